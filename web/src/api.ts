// The one way the app talks to the server: /api/v1 over the same-origin session cookie, through
// openapi-fetch typed by the generated `paths`: a path, parameter or body the OpenAPI document
// does not declare does not compile, and each result has the type the document gives it.
import createClient from 'openapi-fetch';
import type { components, paths } from './openapi-types';
import type {
  AgreementScale,
  AuditEvent,
  AuditEventPage,
  CreateStudy,
  CreateUser,
  Decision,
  PartialRegions,
  QueryOf,
  Regions,
  StudyRole,
  TokenScope,
  UpdateStudy,
  UpdateUser,
} from './types';

export const API_BASE = '/api/v1';

/** A failed call as the user should see it: the server's message and its request id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    readonly requestId: string | null,
  ) {
    super(messages.join('; ') || `Request failed (${status})`);
    this.name = 'ApiError';
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever an authenticated call answers 401: the session has ended. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/**
 * The generated client over fetch: same-origin cookie, JSON unless the body is FormData (the
 * browser then sets the multipart boundary), empty query values left out.
 */
const client = createClient<paths, 'application/json'>({
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
  querySerializer: (params: Record<string, unknown>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      // The API's query parameters are all scalars; undefined, null and '' mean "not given".
      const given = typeof value === 'string' ? value !== '' : typeof value === 'number';
      if (given || typeof value === 'boolean') search.set(key, String(value));
    }
    return search.toString();
  },
});

/** What openapi-fetch resolves to: the parsed success body, or the parsed (or raw) error body. */
interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

function toApiError(response: Response, body: unknown): ApiError {
  let messages: string[] = [];
  let requestId = response.headers.get('X-Request-Id');
  if (body !== null && typeof body === 'object') {
    const { message, requestId: id } = body as { message?: unknown; requestId?: unknown };
    if (Array.isArray(message)) messages = message.map(String);
    else if (typeof message === 'string') messages = [message];
    if (typeof id === 'string' && id) requestId = id;
  } else {
    // No JSON body (a proxy's error page, an empty answer): say what HTTP said.
    messages = [response.statusText || `Request failed (${response.status})`];
  }
  return new ApiError(response.status, messages, requestId);
}

/**
 * The success body of a call, or the ApiError the user should see. A 401 on an authenticated
 * call means the session has ended; login answers 401 for bad credentials (`anonymous`).
 * A success without a body (204) resolves to undefined, which is what void operations return.
 */
async function settle<T>(call: Promise<Outcome<T>>, anonymous = false): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    if (response.status === 401 && !anonymous) {
      unauthorizedListeners.forEach((listener) => listener());
    }
    throw toApiError(response, error);
  }
  return data as T;
}

/** Like settle, but a 204 means "nothing waiting" and comes back as null. */
async function settleOrNull<T>(call: Promise<Outcome<T>>): Promise<T | null> {
  return (await settle(call)) ?? null;
}

/** Operations answering 204: their result is nothing, whatever openapi-fetch types it as. */
async function settleEmpty(call: Promise<Outcome<unknown>>, anonymous = false): Promise<void> {
  await settle(call, anonymous);
}

/** GET /audit's filters; paging and order are the page's business. */
export type AuditFilters = Omit<
  QueryOf<paths['/api/v1/audit']['get']>,
  'cursor' | 'limit' | 'order'
>;
type PhotoSetQuery = Omit<QueryOf<paths['/api/v1/studies/{id}/photo-sets']['get']>, 'cursor'> & {
  cursor?: string | null;
};
type UploadPhotoSetBody = components['schemas']['UploadPhotoSetBodyDto'];
type ImportArchiveBody = components['schemas']['ImportArchiveBodyDto'];
type ReplacementBody = components['schemas']['ReplacementBodyDto'];
type NotEvaluableViews = components['schemas']['NotEvaluableViewsDto'];
type NotEvaluableRead = Omit<components['schemas']['ReadSubmissionDto'], 'password'>;
type AuditExportFormat = NonNullable<QueryOf<paths['/api/v1/audit/export']['get']>['format']>;
/** The analysis datasets the document lists ("adsalt", "adread"), one per path. */
type DatasetNameOf<Path> = Path extends `/api/v1/studies/{id}/datasets/${infer Name}.csv`
  ? Name
  : never;
type DatasetName = DatasetNameOf<keyof paths>;
type ImageSize = NonNullable<
  QueryOf<paths['/api/v1/photo-sets/{id}/images/{view}']['get']>['size']
>;

export const api = {
  login: (email: string, password: string) =>
    settle(client.POST('/api/v1/auth/login', { body: { email, password } }), true),
  logout: () => settleEmpty(client.POST('/api/v1/auth/logout'), true),
  me: () => settle(client.GET('/api/v1/auth/me'), true),

  changePassword: (currentPassword: string, newPassword: string) =>
    settleEmpty(client.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } })),
  tokens: () => settle(client.GET('/api/v1/auth/tokens')),
  createToken: (name: string, scope: TokenScope) =>
    settle(client.POST('/api/v1/auth/tokens', { body: { name, scope } })),
  revokeToken: (id: string) =>
    settleEmpty(client.DELETE('/api/v1/auth/tokens/{id}', { params: { path: { id } } })),

  users: () => settle(client.GET('/api/v1/users')),
  createUser: (body: CreateUser) => settle(client.POST('/api/v1/users', { body })),
  updateUser: (id: string, body: UpdateUser) =>
    settle(client.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),

  studies: () => settle(client.GET('/api/v1/studies')),
  study: (id: string) => settle(client.GET('/api/v1/studies/{id}', { params: { path: { id } } })),
  createStudy: (body: CreateStudy) => settle(client.POST('/api/v1/studies', { body })),
  updateStudy: (id: string, body: UpdateStudy) =>
    settle(client.PATCH('/api/v1/studies/{id}', { params: { path: { id } }, body })),
  members: (studyId: string) =>
    settle(client.GET('/api/v1/studies/{id}/members', { params: { path: { id: studyId } } })),
  putMember: (studyId: string, userId: string, roles: StudyRole[]) =>
    settle(
      client.PUT('/api/v1/studies/{id}/members/{userId}', {
        params: { path: { id: studyId, userId } },
        body: { roles },
      }),
    ),
  removeMember: (studyId: string, userId: string) =>
    settleEmpty(
      client.DELETE('/api/v1/studies/{id}/members/{userId}', {
        params: { path: { id: studyId, userId } },
      }),
    ),

  photoSets: (studyId: string, { cursor, ...query }: PhotoSetQuery) =>
    settle(
      client.GET('/api/v1/studies/{id}/photo-sets', {
        params: { path: { id: studyId }, query: { ...query, cursor: cursor ?? undefined } },
      }),
    ),
  photoSet: (id: string) =>
    settle(client.GET('/api/v1/photo-sets/{id}', { params: { path: { id } } })),
  photoSetImageUrl: (id: string, view: string, size: ImageSize) =>
    `${API_BASE}/photo-sets/${id}/images/${view}?size=${size}`,
  // Multipart bodies go as the FormData the form built (openapi-fetch sends FormData as is). The
  // generated body types describe its fields, but type the binary parts as strings, hence the cast.
  uploadPhotoSet: (studyId: string, form: FormData) =>
    settle(
      client.POST('/api/v1/studies/{id}/photo-sets', {
        params: { path: { id: studyId } },
        body: form as unknown as UploadPhotoSetBody,
      }),
    ),
  startImport: (studyId: string, form: FormData) =>
    settle(
      client.POST('/api/v1/studies/{id}/imports', {
        params: { path: { id: studyId } },
        body: form as unknown as ImportArchiveBody,
      }),
    ),
  importJob: (id: string) =>
    settle(client.GET('/api/v1/imports/{id}', { params: { path: { id } } })),
  results: (studyId: string) =>
    settle(client.GET('/api/v1/studies/{id}/results', { params: { path: { id: studyId } } })),
  agreement: (studyId: string, scale: AgreementScale = 'aa-iga') =>
    settle(
      client.GET('/api/v1/studies/{id}/agreement', {
        params: { path: { id: studyId }, query: { scale } },
      }),
    ),
  resultsCsvUrl: (studyId: string) => `${API_BASE}/studies/${studyId}/results?format=csv`,
  endpoints: (studyId: string) =>
    settle(client.GET('/api/v1/studies/{id}/endpoints', { params: { path: { id: studyId } } })),
  endpointsCsvUrl: (studyId: string) => `${API_BASE}/studies/${studyId}/endpoints?format=csv`,
  datasetCsvUrl: (studyId: string, dataset: DatasetName) =>
    `${API_BASE}/studies/${studyId}/datasets/${dataset}.csv`,

  studyLock: (studyId: string) =>
    settle(client.GET('/api/v1/studies/{id}/lock', { params: { path: { id: studyId } } })),
  lockStudy: (studyId: string, reason: string) =>
    settle(
      client.POST('/api/v1/studies/{id}/lock', {
        params: { path: { id: studyId } },
        body: { reason },
      }),
    ),
  unlockStudy: (studyId: string, reason: string) =>
    settle(
      client.POST('/api/v1/studies/{id}/unlock', {
        params: { path: { id: studyId } },
        body: { reason },
      }),
    ),

  reads: () => settle(client.GET('/api/v1/reads')),
  nextRead: () => settleOrNull(client.POST('/api/v1/reads/next')),
  read: (id: string) => settle(client.GET('/api/v1/reads/{id}', { params: { path: { id } } })),
  saveDraft: (id: string, draft: PartialRegions, keepalive = false) =>
    settleEmpty(
      client.PUT('/api/v1/reads/{id}/draft', { params: { path: { id } }, body: draft, keepalive }),
    ),
  submitRead: (id: string, scores: Regions, idempotencyKey: string, password?: string) =>
    settle(
      client.POST('/api/v1/reads/{id}/score', {
        params: { path: { id }, header: { 'Idempotency-Key': idempotencyKey } },
        body: { ...scores, password },
      }),
    ),
  readSigning: (id: string) =>
    settle(client.GET('/api/v1/reads/{id}/signing', { params: { path: { id } } })),
  reopenRead: (id: string, reason: string) =>
    settle(
      client.POST('/api/v1/reads/{id}/reopen', { params: { path: { id } }, body: { reason } }),
    ),

  adjudications: () => settle(client.GET('/api/v1/adjudications')),
  nextAdjudication: () => settleOrNull(client.POST('/api/v1/adjudications/next')),
  adjudication: (id: string) =>
    settle(client.GET('/api/v1/adjudications/{id}', { params: { path: { id } } })),
  adjudicationSigning: (id: string) =>
    settle(client.GET('/api/v1/adjudications/{id}/signing', { params: { path: { id } } })),
  decide: (id: string, body: Decision) =>
    settle(client.POST('/api/v1/adjudications/{id}/decision', { params: { path: { id } }, body })),

  // Image queries: a reader's not-evaluable answer, and the coordinator's list and answers.
  raiseReadQuery: (id: string, body: NotEvaluableRead) =>
    settle(client.POST('/api/v1/reads/{id}/score', { params: { path: { id } }, body })),
  raiseAdjudicationQuery: (id: string, notEvaluable: NotEvaluableViews) =>
    settle(
      client.POST('/api/v1/adjudications/{id}/decision', {
        params: { path: { id } },
        body: { notEvaluable },
      }),
    ),
  studyQueries: (studyId: string, status?: 'open' | 'answered') =>
    settle(
      client.GET('/api/v1/studies/{id}/queries', {
        params: { path: { id: studyId }, query: { status } },
      }),
    ),
  photoSetQueries: (id: string) =>
    settle(client.GET('/api/v1/photo-sets/{id}/queries', { params: { path: { id } } })),
  confirmQuery: (id: string, comment: string) =>
    settle(
      client.POST('/api/v1/queries/{id}/confirm', { params: { path: { id } }, body: { comment } }),
    ),
  replaceQueryImages: (id: string, form: FormData) =>
    settle(
      client.POST('/api/v1/queries/{id}/replacement', {
        params: { path: { id } },
        body: form as unknown as ReplacementBody,
      }),
    ),

  // Reader quality (issue 12): the admins' and auditors' overview, a rater's own state.
  readerQuality: (studyId: string) =>
    settle(
      client.GET('/api/v1/studies/{id}/reader-quality', { params: { path: { id: studyId } } }),
    ),
  myQualification: (studyId: string) =>
    settle(
      client.GET('/api/v1/studies/{id}/reader-quality/me', { params: { path: { id: studyId } } }),
    ),
  newQualificationRound: (studyId: string, raterId: string) =>
    settle(
      client.POST('/api/v1/studies/{id}/reader-quality/raters/{raterId}/rounds', {
        params: { path: { id: studyId, raterId } },
      }),
    ),
  grantQualification: (studyId: string, raterId: string, reason: string) =>
    settle(
      client.POST('/api/v1/studies/{id}/reader-quality/raters/{raterId}/grant', {
        params: { path: { id: studyId, raterId } },
        body: { reason },
      }),
    ),
  suspendRater: (studyId: string, raterId: string, reason: string) =>
    settle(
      client.POST('/api/v1/studies/{id}/reader-quality/raters/{raterId}/suspend', {
        params: { path: { id: studyId, raterId } },
        body: { reason },
      }),
    ),

  audit: (filters: AuditFilters, cursor: string | null, limit = 50) =>
    settle(
      client.GET('/api/v1/audit', {
        params: { query: { ...filters, cursor: cursor ?? undefined, limit } },
      }),
    ),
  auditEntity: async (type: string, id: string) => {
    // The timeline is paged by the server (100 events unless asked); the page shows all of it.
    const items: AuditEvent[] = [];
    let cursor: string | undefined;
    do {
      const page: AuditEventPage = await settle(
        client.GET('/api/v1/audit/entities/{type}/{id}', {
          params: { path: { type, id }, query: { cursor, limit: 1000 } },
        }),
      );
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return { items };
  },
  verifyAudit: () => settle(client.GET('/api/v1/audit/verify')),
  auditExportUrl: (format: AuditExportFormat) => `${API_BASE}/audit/export?format=${format}`,
};
