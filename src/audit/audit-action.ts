/** Every kind of event the trail records. Names are stable: auditors filter on them. */
export const AuditAction = {
  LoginSucceeded: 'auth.login',
  LoginFailed: 'auth.login-failed',
  Logout: 'auth.logout',
  PasswordChanged: 'auth.password-changed',
  TokenCreated: 'token.created',
  TokenRevoked: 'token.revoked',
  UserCreated: 'user.created',
  UserChanged: 'user.changed',
  StudyCreated: 'study.created',
  StudyChanged: 'study.changed',
  StudySettingsChanged: 'study.settings-changed',
  MembershipChanged: 'study.membership-changed',
  MembershipRemoved: 'study.membership-removed',
  SetUploaded: 'photo-set.uploaded',
  SetReplaced: 'photo-set.replaced',
  SetRejected: 'photo-set.rejected',
  SetReady: 'photo-set.ready',
  SetAwaitingRaters: 'photo-set.awaiting-raters',
  ImportCreated: 'import.created',
  ImportCompleted: 'import.completed',
  ImportRejected: 'import.rejected',
  ReadAssigned: 'read.assigned',
  ReadReassigned: 'read.reassigned',
  ReadSubmitted: 'read.submitted',
  ReadReopened: 'read.reopened',
  PairEvaluated: 'pair.evaluated',
  AdjudicationAssigned: 'adjudication.assigned',
  AdjudicationDecided: 'adjudication.decided',
  ResultFinalized: 'result.finalized',
  ExportDownloaded: 'export.downloaded',
  AuditVerified: 'audit.verified',
  AuditExported: 'audit.exported',
  SignatureRefused: 'signature.refused',
  StudyLocked: 'study.locked',
  StudyUnlocked: 'study.unlocked',
  CalibrationSetMarked: 'calibration.set-marked',
  CalibrationReferenceChanged: 'calibration.reference-changed',
  QualificationRoundStarted: 'qualification.round-started',
  QualificationPassed: 'qualification.passed',
  QualificationFailed: 'qualification.failed',
  QualificationGranted: 'qualification.granted',
  RereadScheduled: 'reread.scheduled',
  ReaderAlertRaised: 'reader.alert',
  RaterSuspended: 'rater.suspended',
  RaterReinstated: 'rater.reinstated',
  QueryRaised: 'query.raised',
  QueryConfirmed: 'query.confirmed',
  QueryReplacementUploaded: 'query.replacement-uploaded',
  QueryReplacementRejected: 'query.replacement-rejected',
  QueryAnsweredByReplacement: 'query.replaced',
  ImageVersioned: 'photo-set.image-versioned',
  ReadVoided: 'read.voided',
  AdjudicationVoided: 'adjudication.voided',
} as const;

export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/**
 * Convention for the auditor's timeline (`GET /audit/entities/:type/:id`): an event about an
 * entity that belongs to another entity names its owner in its `after` (or `before`) JSON as
 * `<ownerType in camelCase>Id`. The timeline of an entity returns the events recorded on it plus
 * every event whose `after` or `before` carries that key with its id, so related records join the
 * timeline without the audit module knowing about their tables.
 *
 * In particular, every read, adjudication and result event MUST put `photoSetId` into `after`
 * (e.g. `after: { photoSetId, readCode, top, back, left, right, salt }` for `read.submitted`),
 * or it will be missing from the photo set's timeline that auditors use to reconstruct a score.
 * Likewise an event on a read task that concerns its adjudication would carry `readTaskId`.
 * (ownerKeyOf() in src/audit/audit-trail.service.ts derives the key: 'photo-set' → 'photoSetId'.)
 */
