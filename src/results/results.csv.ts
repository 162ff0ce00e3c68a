import { csvCell } from '../common/csv';
import { ResultRow, ResultSignature } from './results.service';

export { csvCell };

const READ_FIELDS = [
  'raterId',
  'raterName',
  'salt',
  'top',
  'back',
  'left',
  'right',
  'submittedAt',
] as const;

export const RESULT_CSV_HEADER = [
  'photoSetId',
  'subjectCode',
  'visit',
  'visitDate',
  'status',
  ...READ_FIELDS.map((field) => `readA.${field}`),
  ...READ_FIELDS.map((field) => `readB.${field}`),
  'difference',
  'rulesFired',
  'adjudication.choice',
  'adjudication.adjudicatorId',
  'adjudication.adjudicatorName',
  'adjudication.rationale',
  'adjudication.decidedAt',
  'finalSalt',
  'source',
  // Electronic signatures (21 CFR 11.50): "printed name | UTC date-time | meaning".
  'readA.signature',
  'readB.signature',
  'adjudication.signature',
];

function signatureCell(signature: ResultSignature | null | undefined): string | null {
  return signature
    ? `${signature.printedName} | ${signature.signedAt} | ${signature.meaning}`
    : null;
}

export function resultCsvLine(row: ResultRow): string {
  const read = (r: ResultRow['readA']) => READ_FIELDS.map((field) => r?.[field] ?? null);
  return [
    row.photoSetId,
    row.subjectCode,
    row.visit,
    row.visitDate,
    row.status,
    ...read(row.readA),
    ...read(row.readB),
    row.difference,
    row.rulesFired.join(';'),
    row.adjudication?.choice ?? null,
    row.adjudication?.adjudicatorId ?? null,
    row.adjudication?.adjudicatorName ?? null,
    row.adjudication?.rationale ?? null,
    row.adjudication?.decidedAt ?? null,
    row.finalSalt,
    row.source,
    signatureCell(row.readA?.signature),
    signatureCell(row.readB?.signature),
    signatureCell(row.adjudication?.signature),
  ]
    .map(csvCell)
    .join(',');
}

export function resultsCsv(rows: ResultRow[]): string {
  return [RESULT_CSV_HEADER.join(','), ...rows.map(resultCsvLine)].join('\r\n') + '\r\n';
}
