import { csvCell } from '../common/csv';

/**
 * ADREAD, the read-level dataset for reader-variability analyses (docs/analysis-datasets.md):
 * one row per read, the rater as a pseudonymous code that stays the same across exports.
 */

export interface ReadRecord {
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  photoSetId: string;
  status: string;
  raterId: string;
  slot: 1 | 2;
  version: number;
  salt: number;
  top: number;
  back: number;
  left: number;
  right: number;
  submittedAt: Date;
}

export const ADREAD_COLUMNS = [
  'STUDYID',
  'USUBJID',
  'SUBJID',
  'AVISIT',
  'AVISITN',
  'ADT',
  'PSETID',
  'SETSTAT',
  'RATER',
  'READSLOT',
  'READVER',
  'READDTC',
  'PARAMCD',
  'AVAL',
  'TOP',
  'BACK',
  'LEFT',
  'RIGHT',
] as const;

/**
 * Rater codes R01, R02, … in order of each rater's first read in the study (ties by id). Reads
 * are never deleted, so a rater's code never changes; a new rater gets the next one.
 */
export function raterCodes(ratersInFirstReadOrder: string[]): Map<string, string> {
  const width = Math.max(2, String(ratersInFirstReadOrder.length).length);
  return new Map(
    ratersInFirstReadOrder.map((id, index) => [id, `R${String(index + 1).padStart(width, '0')}`]),
  );
}

export function adreadHeader(): string {
  return ADREAD_COLUMNS.join(',') + '\r\n';
}

export function adreadLine(
  studyCode: string,
  read: ReadRecord,
  visitNumber: number | null,
  rater: string,
): string {
  return (
    [
      studyCode,
      `${studyCode}-${read.subjectCode}`,
      read.subjectCode,
      read.visit,
      visitNumber,
      read.visitDate,
      read.photoSetId,
      read.status,
      rater,
      read.slot === 1 ? 'A' : 'B',
      read.version,
      read.submittedAt.toISOString(),
      'SALT',
      read.salt,
      read.top,
      read.back,
      read.left,
      read.right,
    ]
      .map(csvCell)
      .join(',') + '\r\n'
  );
}
