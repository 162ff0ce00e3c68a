import { ScheduledVisit } from '../studies/study-settings';

/**
 * Trial endpoints per scheduled visit (DESIGN §2), from final SALT only. Pure: the service reads
 * the rows, this turns them into the table, so every figure is unit-tested by hand.
 *
 * - Change = current − baseline SALT, percent change = 100 · change / baseline, both per
 *   subject, then summarized. A subject without a final baseline is left out of both (and of
 *   the relative responder rates) and counted; a baseline of 0 has no percent change (it would
 *   divide by 0), so it is left out of percent change and the relative rates, and counted.
 * - SALT ≤ 20 and ≤ 10 are absolute; SALT50/75/90 is (baseline − current)/baseline ≥ 50/75/90 %.
 * - Sets not yet final are counted and their subjects named; nothing is imputed.
 * - Quartiles are R's type 7 (Excel's QUARTILE.INC); SD is the sample SD (n − 1).
 */

/** A set's final SALT (null while the set is not final). */
export interface VisitValue {
  subjectCode: string;
  visit: string;
  finalSalt: number | null;
}

export const ABSOLUTE_CRITERIA = [
  { key: 'salt-le-20', label: 'SALT ≤ 20', atMost: 20 },
  { key: 'salt-le-10', label: 'SALT ≤ 10', atMost: 10 },
] as const;
export const RELATIVE_CRITERIA = [
  { key: 'salt50', label: 'SALT50', improvement: 50 },
  { key: 'salt75', label: 'SALT75', improvement: 75 },
  { key: 'salt90', label: 'SALT90', improvement: 90 },
] as const;
export type Criterion =
  (typeof ABSOLUTE_CRITERIA)[number]['key'] | (typeof RELATIVE_CRITERIA)[number]['key'];
export const CRITERIA: Criterion[] = [
  ...ABSOLUTE_CRITERIA.map((c) => c.key),
  ...RELATIVE_CRITERIA.map((c) => c.key),
];

export interface Summary {
  n: number;
  mean: number | null;
  sd: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  min: number | null;
  max: number | null;
}

export interface Rate {
  criterion: Criterion;
  label: string;
  /** Subjects meeting the criterion. */
  count: number;
  /** Subjects it was judged on. */
  n: number;
  /** count / n; null when n is 0. */
  rate: number | null;
  /** Wilson score 95% interval; null when n is 0. */
  ciLow: number | null;
  ciHigh: number | null;
}

export interface SubjectList {
  count: number;
  subjects: string[];
}

export interface VisitEndpoints {
  visit: string;
  /** 1-based position in the schedule (ADaM AVISITN). */
  order: number;
  plannedDay: number | null;
  baseline: boolean;
  /** False for a label in use that the charter's schedule does not list. */
  scheduled: boolean;
  /** Photo sets at this visit, final or not. */
  sets: number;
  /** Sets not final yet: counted and named, never imputed. */
  notFinal: SubjectList;
  /** Final SALT at this visit. */
  salt: Summary;
  /** Current − baseline, per subject; null at the baseline visit. */
  change: Summary | null;
  /** 100 · (current − baseline) / baseline, per subject; null at the baseline visit. */
  percentChange: Summary | null;
  /** Final here but no final baseline: left out of change and relative rates. */
  noBaseline: SubjectList;
  /** Baseline SALT 0: no percent change, left out of the relative rates. */
  baselineZero: SubjectList;
  /** Absolute rates at every visit; relative rates (SALT50/75/90) after the baseline only. */
  rates: Rate[];
}

export interface EndpointsReport {
  visits: VisitEndpoints[];
  notes: string[];
}

const Z95 = 1.959963984540054;

/** Rounds away floating-point noise (0.1 + 0.2) without hiding any real digit. */
function clean(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Wilson score interval for x successes in n; null for n = 0. */
export function wilson(x: number, n: number, z = Z95): { low: number; high: number } | null {
  if (n === 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At x = 0 or x = n the interval touches 0 or 1 exactly; clamp the rounding either side.
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** R type-7 quantile of sorted values. */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const upper = Math.ceil(h);
  return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
}

export function summarize(values: number[]): Summary {
  const n = values.length;
  if (n === 0) {
    return { n, mean: null, sd: null, median: null, q1: null, q3: null, min: null, max: null };
  }
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  const sd =
    n > 1 ? Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1)) : null;
  return {
    n,
    mean: clean(mean),
    sd: sd === null ? null : clean(sd),
    median: clean(quantile(sorted, 0.5)),
    q1: clean(quantile(sorted, 0.25)),
    q3: clean(quantile(sorted, 0.75)),
    min: sorted[0],
    max: sorted[n - 1],
  };
}

function rate(criterion: Criterion, label: string, count: number, n: number): Rate {
  const ci = wilson(count, n);
  return {
    criterion,
    label,
    count,
    n,
    rate: n === 0 ? null : clean(count / n),
    ciLow: ci ? clean(ci.low) : null,
    ciHigh: ci ? clean(ci.high) : null,
  };
}

function subjectList(codes: string[]): SubjectList {
  const subjects = [...new Set(codes)].sort();
  return { count: subjects.length, subjects };
}

/** Percent change from a non-zero baseline (negative = improvement). */
export function percentChange(baseline: number, current: number): number {
  return (100 * (current - baseline)) / baseline;
}

/** True when (baseline − current)/baseline ≥ improvement %; baseline must be > 0. */
export function meetsImprovement(baseline: number, current: number, improvement: number): boolean {
  // Compared in whole numbers (SALT has one decimal), so 50 % of 82 is not lost to rounding.
  return Math.round((baseline - current) * 1000) * 100 >= Math.round(baseline * 1000) * improvement;
}

function visitEndpoints(
  visit: ScheduledVisit,
  order: number,
  scheduled: boolean,
  values: VisitValue[],
  baselineOf: Map<string, number>,
): VisitEndpoints {
  const finals = values.filter(
    (value): value is VisitValue & { finalSalt: number } => value.finalSalt !== null,
  );
  const salts = finals.map((value) => value.finalSalt);
  const absolute = ABSOLUTE_CRITERIA.map((c) =>
    rate(c.key, c.label, salts.filter((salt) => salt <= c.atMost).length, salts.length),
  );
  const base = {
    visit: visit.label,
    order,
    plannedDay: visit.plannedDay,
    baseline: visit.baseline,
    scheduled,
    sets: values.length,
    notFinal: subjectList(values.filter((v) => v.finalSalt === null).map((v) => v.subjectCode)),
    salt: summarize(salts),
  };
  if (visit.baseline) {
    return {
      ...base,
      change: null,
      percentChange: null,
      noBaseline: subjectList([]),
      baselineZero: subjectList([]),
      rates: absolute,
    };
  }
  const paired = finals.flatMap((value) => {
    const baseline = baselineOf.get(value.subjectCode);
    return baseline === undefined ? [] : [{ ...value, baseline }];
  });
  const relative = paired.filter((value) => value.baseline > 0);
  return {
    ...base,
    change: summarize(paired.map((value) => value.finalSalt - value.baseline)),
    percentChange: summarize(
      relative.map((value) => percentChange(value.baseline, value.finalSalt)),
    ),
    noBaseline: subjectList(
      finals.filter((value) => !baselineOf.has(value.subjectCode)).map((v) => v.subjectCode),
    ),
    baselineZero: subjectList(paired.filter((v) => v.baseline === 0).map((v) => v.subjectCode)),
    rates: [
      ...absolute,
      ...RELATIVE_CRITERIA.map((c) =>
        rate(
          c.key,
          c.label,
          relative.filter((v) => meetsImprovement(v.baseline, v.finalSalt, c.improvement)).length,
          relative.length,
        ),
      ),
    ],
  };
}

/**
 * The endpoints table. `schedule` is the effective schedule (exactly one baseline, or none when
 * the study has no sets yet); `scheduledLabels` says which of its visits the charter lists.
 */
export function endpoints(
  schedule: ScheduledVisit[],
  values: VisitValue[],
  scheduledLabels: ReadonlySet<string> = new Set(schedule.map((visit) => visit.label)),
): EndpointsReport {
  const baselineVisit = schedule.find((visit) => visit.baseline)?.label;
  const baselineOf = new Map<string, number>();
  for (const value of values) {
    if (value.visit === baselineVisit && value.finalSalt !== null) {
      baselineOf.set(value.subjectCode, value.finalSalt);
    }
  }
  const byVisit = new Map<string, VisitValue[]>();
  for (const value of values) {
    const list = byVisit.get(value.visit);
    if (list) list.push(value);
    else byVisit.set(value.visit, [value]);
  }
  const visits = schedule.map((visit, index) =>
    visitEndpoints(
      visit,
      index + 1,
      scheduledLabels.has(visit.label),
      byVisit.get(visit.label) ?? [],
      baselineOf,
    ),
  );
  return { visits, notes: notesFor(visits) };
}

function notesFor(visits: VisitEndpoints[]): string[] {
  const notes: string[] = [];
  for (const visit of visits) {
    if (visit.notFinal.count) {
      notes.push(
        `${visit.visit}: ${visit.notFinal.count} set(s) not final yet, not counted and not ` +
          `imputed (${visit.notFinal.subjects.join(', ')})`,
      );
    }
    if (visit.noBaseline.count) {
      notes.push(
        `${visit.visit}: ${visit.noBaseline.count} subject(s) without a final baseline, left out ` +
          `of change and SALT50/75/90 (${visit.noBaseline.subjects.join(', ')})`,
      );
    }
    if (visit.baselineZero.count) {
      notes.push(
        `${visit.visit}: ${visit.baselineZero.count} subject(s) with baseline SALT 0: percent ` +
          `change is undefined, left out of percent change and SALT50/75/90 ` +
          `(${visit.baselineZero.subjects.join(', ')})`,
      );
    }
    if (!visit.scheduled) {
      notes.push(`${visit.visit}: has photo sets but is not on the study's visit schedule`);
    }
  }
  return notes;
}
