import { csvCell } from '../common/csv';
import { ScheduledVisit } from '../studies/study-settings';
import { ABSOLUTE_CRITERIA, meetsImprovement, percentChange, RELATIVE_CRITERIA } from './endpoints';

/**
 * ADSALT, the subject × visit analysis dataset in the CDISC ADaM BDS shape
 * (docs/analysis-datasets.md is its data dictionary). Pure: one subject's sets in, its rows out,
 * so the streamed export never holds more than a page of subjects.
 */

export type FinalSource = 'concordant-mean' | 'adjudicated';

/** One photo set of a subject, with its current final SALT if it is final. */
export interface SubjectSet {
  photoSetId: string;
  visit: string;
  visitDate: string | null;
  status: string;
  finalSalt: number | null;
  source: FinalSource | null;
}

export const ADSALT_COLUMNS = [
  'STUDYID',
  'USUBJID',
  'SUBJID',
  'AVISIT',
  'AVISITN',
  'APLDY',
  'ADT',
  'ADY',
  'PARAMCD',
  'PARAM',
  'AVAL',
  'BASE',
  'CHG',
  'PCHG',
  'ABLFL',
  'LE20FL',
  'LE10FL',
  'SALT50FL',
  'SALT75FL',
  'SALT90FL',
  'AVALSRC',
  'SETSTAT',
  'PSETID',
] as const;
export type AdsaltRow = Record<(typeof ADSALT_COLUMNS)[number], string | number | null>;

export const PARAMCD = 'SALT';
export const PARAM = 'Severity of Alopecia Tool score (%)';

const RELATIVE_FLAGS = { salt50: 'SALT50FL', salt75: 'SALT75FL', salt90: 'SALT90FL' } as const;
const ABSOLUTE_FLAGS = { 'salt-le-20': 'LE20FL', 'salt-le-10': 'LE10FL' } as const;

function yesNo(value: boolean): 'Y' | 'N' {
  return value ? 'Y' : 'N';
}

/** Study day of a date, CDISC style: the baseline date is day 1 and there is no day 0. */
export function studyDay(date: string | null, baselineDate: string | null): number | null {
  if (!date || !baselineDate) return null;
  const days = Math.round((Date.parse(date) - Date.parse(baselineDate)) / 86_400_000);
  return days >= 0 ? days + 1 : days;
}

/** One decimal exactly: SALT values have one, so their difference does too. */
function tenths(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The rows of one subject, in schedule order; visits without a set have no row (not imputed). */
export function adsaltRows(
  studyCode: string,
  subjectCode: string,
  schedule: ScheduledVisit[],
  sets: SubjectSet[],
): AdsaltRow[] {
  const position = new Map(schedule.map((visit, index) => [visit.label, index]));
  const baselineVisit = schedule.find((visit) => visit.baseline)?.label;
  const baselineSet = sets.find((set) => set.visit === baselineVisit);
  const base = baselineSet?.finalSalt ?? null;
  const ordered = [...sets].sort(
    (a, b) => (position.get(a.visit) ?? Infinity) - (position.get(b.visit) ?? Infinity),
  );
  return ordered.map((set) => {
    const index = position.get(set.visit);
    const visit = index === undefined ? undefined : schedule[index];
    const isBaseline = set.visit === baselineVisit;
    const aval = set.finalSalt;
    const compared = !isBaseline && aval !== null && base !== null;
    const relative = compared && base > 0;
    const row: AdsaltRow = {
      STUDYID: studyCode,
      USUBJID: `${studyCode}-${subjectCode}`,
      SUBJID: subjectCode,
      AVISIT: set.visit,
      AVISITN: index === undefined ? null : index + 1,
      APLDY: visit?.plannedDay ?? null,
      ADT: set.visitDate,
      ADY: studyDay(set.visitDate, baselineSet?.visitDate ?? null),
      PARAMCD,
      PARAM,
      AVAL: aval,
      BASE: base,
      CHG: compared ? tenths(aval - base) : null,
      PCHG: relative ? Math.round(percentChange(base, aval) * 1e4) / 1e4 : null,
      ABLFL: isBaseline && aval !== null ? 'Y' : null,
      LE20FL: null,
      LE10FL: null,
      SALT50FL: null,
      SALT75FL: null,
      SALT90FL: null,
      AVALSRC: set.source,
      SETSTAT: set.status,
      PSETID: set.photoSetId,
    };
    if (aval !== null) {
      for (const c of ABSOLUTE_CRITERIA) row[ABSOLUTE_FLAGS[c.key]] = yesNo(aval <= c.atMost);
    }
    if (relative) {
      for (const c of RELATIVE_CRITERIA) {
        row[RELATIVE_FLAGS[c.key]] = yesNo(meetsImprovement(base, aval, c.improvement));
      }
    }
    return row;
  });
}

export function adsaltHeader(): string {
  return ADSALT_COLUMNS.join(',') + '\r\n';
}

export function adsaltLine(row: AdsaltRow): string {
  return ADSALT_COLUMNS.map((name) => csvCell(row[name])).join(',') + '\r\n';
}
