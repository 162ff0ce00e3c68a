// Shapes of the v1 API as pinned in docs/api-shapes.md.

export const GLOBAL_ROLES = ['admin', 'coordinator', 'rater', 'adjudicator', 'auditor'] as const;
export type Role = (typeof GLOBAL_ROLES)[number];
export const STUDY_ROLES = ['rater', 'adjudicator', 'coordinator', 'auditor'] as const;
export type StudyRole = (typeof STUDY_ROLES)[number];

export const VIEWS = ['top', 'back', 'left', 'right'] as const;
export type View = (typeof VIEWS)[number];

export interface Me {
  id: string;
  email: string;
  name: string;
  roles: Role[];
}

export interface User extends Me {
  active: boolean;
  createdAt: string;
}

export type Pairing = 'per-subject' | 'per-set';
export type AdjudicationMode = 'select-or-own' | 'select';

export interface StudySettings {
  maxDifference: number;
  thresholds: number[];
  pairing: Pairing;
  adjudication: AdjudicationMode;
}

export const SET_STATUSES = [
  'processing',
  'rejected',
  'awaiting-raters',
  'reading',
  'adjudicating',
  'final',
] as const;
export type SetStatus = (typeof SET_STATUSES)[number];

export interface Study {
  id: string;
  code: string;
  title: string;
  settings: StudySettings;
  createdAt: string;
  myRoles?: string[];
}

export interface StudyDetail extends Study {
  /** Absent for a caller who is only a rater or adjudicator in this study (blinding). */
  statusCounts?: Record<SetStatus, number>;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  roles: StudyRole[];
  active: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PhotoSet {
  id: string;
  studyId: string;
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  status: SetStatus;
  createdAt: string;
  views: { view: View; status: 'pending' | 'ready' | 'rejected'; reason?: string }[];
  rejectionReasons: { view: View; reason: string }[];
}

export interface ImportJob {
  id: string;
  status: 'validating' | 'importing' | 'completed' | 'rejected' | 'failed';
  total: number;
  processed: number;
  errors: { row: number; reason: string }[];
}

export type Regions = Record<View, number>;
export type PartialRegions = Partial<Record<View, number>>;
export type ImageUrls = Record<View, { thumb: string; display: string; full: string }>;

export interface ReadQueue {
  items: { id: string; readCode: string; status: string }[];
  counts: { open: number; submittedToday: number; submitted: number };
}

export interface ReadTask {
  id: string;
  readCode: string;
  status: 'assigned' | 'submitted';
  images: ImageUrls;
  draft: PartialRegions | null;
  submitted: (Regions & { salt: number; submittedAt: string }) | null;
}

export interface AdjudicationQueue {
  items: { id: string; code: string; status: string }[];
  counts: { open: number; decidedToday: number; decided: number };
}

export type Scores = Regions & { salt: number };
export type Rule = 'max-difference' | 'threshold';

export interface AdjudicationTask {
  id: string;
  code: string;
  status: 'open' | 'decided';
  images: ImageUrls;
  readA: Scores;
  readB: Scores;
  difference: number;
  rulesFired: Rule[];
  rules: { maxDifference: number; thresholds: number[] };
  allowOwn: boolean;
  decision: {
    choice: 'A' | 'B' | 'own';
    finalSalt: number;
    rationale: string;
    decidedAt: string;
  } | null;
}

export interface ResultRead extends Regions {
  raterId: string;
  raterName: string;
  salt: number;
  submittedAt: string;
}

export interface ResultRow {
  photoSetId: string;
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  status: SetStatus;
  readA: ResultRead | null;
  readB: ResultRead | null;
  difference: number | null;
  rulesFired: Rule[];
  adjudication: {
    choice: 'A' | 'B' | 'own';
    adjudicatorId: string;
    adjudicatorName: string;
    rationale: string;
    decidedAt: string;
  } | null;
  finalSalt: number | null;
  source: 'concordant-mean' | 'adjudicated' | null;
}

export interface AuditEvent {
  seq: number | string;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  action: string;
  entityType: string;
  entityId: string;
  studyId: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  prevHash: string;
  hash: string;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number | string;
  reason?: string;
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface Icc {
  value: number;
  ci95: Interval;
  n: number;
  k: number;
}

export interface Agreement {
  studyId: string;
  pairs: number;
  discordant: number;
  icc11: Icc | null;
  icc21ByPair: (Icc & { raterIds: [string, string] })[];
  blandAltman: {
    n: number;
    bias: number;
    sd: number;
    biasCi95: Interval;
    lowerLimit: number;
    upperLimit: number;
    lowerLimitCi95: Interval;
    upperLimitCi95: Interval;
  } | null;
  kappa: { scale: string; categories: string[]; linear: number; quadratic: number } | null;
  raters: {
    raterId: string;
    reads: number;
    discordant: number;
    adjudicationRate: number | null;
    adjudicatedWithChoice: number;
    chosen: number;
    chosenRate: number | null;
    disagreementIndex: number | null;
  }[];
  raterNames: Record<string, string>;
  notes: string[];
}

export type TokenScope = 'read' | 'full';

export interface ApiToken {
  id: string;
  name: string;
  /** `read`: GET requests only; `full`: whatever the owner's roles allow. */
  scope: TokenScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
