// The server's shapes, named for the app. They come from the OpenAPI document through the types
// openapi-typescript generates (openapi-types.ts, written by `npm run openapi:types` and checked
// by `npm run lint:openapi`); nothing here retypes a field. The lists below are the orders the UI
// shows; each must name every member of its generated union, or the app does not compile.
import type { components, paths } from './openapi-types';

type Schemas = components['schemas'];

/** The query parameters an operation declares. */
export type QueryOf<Operation> = Operation extends { parameters: { query?: infer Query } }
  ? NonNullable<Query>
  : never;

/** A list naming every member of the union U, once the compiler has checked it names them all. */
function everyOf<U extends string>() {
  return <const L extends readonly U[]>(
    list: L &
      ([Exclude<U, L[number]>] extends [never] ? unknown : { missing: Exclude<U, L[number]> }),
  ): L => list;
}

export type Me = Schemas['MeDto'];
export type User = Schemas['UserDto'];
export type Role = Me['roles'][number];
export const GLOBAL_ROLES = everyOf<Role>()([
  'admin',
  'coordinator',
  'rater',
  'adjudicator',
  'auditor',
]);

export type Member = Schemas['MemberDto'];
export type StudyRole = Member['roles'][number];
export const STUDY_ROLES = everyOf<StudyRole>()(['rater', 'adjudicator', 'coordinator', 'auditor']);

export type TokenScope = Schemas['TokenDto']['scope'];

export type StudySettings = Schemas['StudySettingsViewDto'];
export type ScheduledVisit = Schemas['ScheduledVisitViewDto'];
/** `statusCounts` is absent for a caller who is only a rater or adjudicator in it (blinding). */
export type StudyDetail = Schemas['StudyDetailDto'];
export type StatusCounts = NonNullable<StudyDetail['statusCounts']>;

type PhotoSet = Schemas['PhotoSetDto'];
export type SetStatus = PhotoSet['status'];
export type View = PhotoSet['views'][number]['view'];
export const VIEWS = everyOf<View>()(['top', 'back', 'left', 'right']);

export type ImportJob = Schemas['ImportDto'];

/** The four region scores of a submitted read or an adjudicator's own read. */
export type Regions = Schemas['ScoresDto'];
/** A draft: whichever regions the rater has scored so far. */
export type PartialRegions = Schemas['DraftDto'];
export type ImageUrls = Schemas['ImageUrlsDto'];

export type ReadTask = Schemas['ReadTaskDto'];

export type AdjudicationTask = Schemas['AdjudicationTaskDto'];
export type Rule = AdjudicationTask['rulesFired'][number];
export type Decision = Schemas['DecisionDto'];
/** What signing a read or a decision takes (21 CFR 11.50: printed name and meaning). */
export type SigningRequirement = Schemas['SigningRequirementDto'];
export type StudyLock = Schemas['StudyLockDto'];

export type ResultRow = Schemas['ResultRowDto'];

export type AuditEvent = Schemas['AuditEventDto'];
export type AuditEventPage = Schemas['AuditEventPageDto'];

export type Endpoints = Schemas['EndpointsDto'];
export type VisitEndpoints = Schemas['VisitEndpointsDto'];
export type Summary = Schemas['SummaryDto'];
export type Rate = Schemas['RateDto'];
export type RateCriterion = Rate['criterion'];
export const RATE_CRITERIA = everyOf<RateCriterion>()([
  'salt-le-20',
  'salt-le-10',
  'salt50',
  'salt75',
  'salt90',
]);

export type AgreementScale = NonNullable<
  QueryOf<paths['/api/v1/studies/{id}/agreement']['get']>['scale']
>;
export type Interval = Schemas['IntervalDto'];
export type Icc = Schemas['IccDto'];

export type CreateUser = Schemas['CreateUserDto'];
export type UpdateUser = Schemas['UpdateUserDto'];
export type CreateStudy = Schemas['CreateStudyDto'];
export type UpdateStudy = Schemas['UpdateStudyDto'];
