import { AuditEventView } from './audit.repository';

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

// Cells a spreadsheet would run as a formula (OWASP "CSV injection"): a leading =, +, -, @, tab
// or carriage return. They get a leading apostrophe, which spreadsheets show as text; the JSONL
// export is the exact, hash-verifiable form.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 cell: quoted when it holds a quote, comma or line break; quotes doubled. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

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
