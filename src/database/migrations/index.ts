import { AccountsAndAudit1764150000000 } from './1764150000000-accounts-and-audit';
import { StudiesAndPhotoSets1764150100000 } from './1764150100000-studies-and-photo-sets';
import { AuditOwnerIndex1764150500000 } from './1764150500000-audit-owner-index';
import { ReadsAndAdjudication1764150600000 } from './1764150600000-reads-and-adjudication';
import { AuditAppendFunction1764150700000 } from './1764150700000-audit-append-function';
import { ApiTokenScope1764150800000 } from './1764150800000-api-token-scope';
import { VisitSchedule1764151100000 } from './1764151100000-visit-schedule';
import { ReaderQuality1764153000000 } from './1764153000000-reader-quality';
import { ImageQueries1764154000000 } from './1764154000000-image-queries';
import { SignaturesAndStudyLock1764154500000 } from './1764154500000-signatures-and-study-lock';
import { AuditTransparencyLog1764152000000 } from './1764152000000-audit-transparency-log';
import { VoidedReadTasksIndex1764155100000 } from './1764155100000-voided-read-tasks-index';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [
  AccountsAndAudit1764150000000,
  StudiesAndPhotoSets1764150100000,
  AuditOwnerIndex1764150500000,
  ReadsAndAdjudication1764150600000,
  AuditAppendFunction1764150700000,
  ApiTokenScope1764150800000,
  VisitSchedule1764151100000,
  ImageQueries1764154000000,
  SignaturesAndStudyLock1764154500000,
  ReaderQuality1764153000000,
  AuditTransparencyLog1764152000000,
  VoidedReadTasksIndex1764155100000,
];
