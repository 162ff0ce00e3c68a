import { csvCell } from '../common/csv';
import { AuditEventView } from './audit.repository';

export { csvCell };

/** The export's columns, in order: every hashed field plus the two chain links. */
export const CSV_COLUMNS: (keyof AuditEventView)[] = [
  'seq',
  'occurredAt',
  'actorId',
  'actorName',
  'actorRole',
  'action',
  'entityType',
  'entityId',
  'studyId',
  'before',
  'after',
  'reason',
  'requestId',
  'ip',
  'userAgent',
  'prevHash',
  'hash',
];

export function csvHeader(): string {
  return CSV_COLUMNS.join(',') + '\r\n';
}

export function csvRow(event: AuditEventView): string {
  let line = '';
  for (let i = 0; i < CSV_COLUMNS.length; i++) {
    if (i > 0) line += ',';
    line += csvCell(event[CSV_COLUMNS[i]]);
  }
  return line + '\r\n';
}
