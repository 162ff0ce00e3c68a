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
function quantile(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const upper = Math.ceil(h);
  return sorted[lower] + (h - lower) * (sorted[upper] - sorted[lower]);
}

export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  if (n === 0) {
    return { n, mean: null, sd: null, median: null, q1: null, q3: null, min: null, max: null };
  }
  // The typed array's own numeric sort: no call per comparison (a visit can hold 10k values).
  // It differs from (a, b) => a − b only in putting −0 before +0, which no SALT, change or
  // percent change can be.
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : null;
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

/** How many of the values are at most `atMost`. */
function countAtMost(values: Float64Array, atMost: number): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] <= atMost) count++;
  return count;
}

/**
 * One visit's figures in one pass over its sets (a visit can hold 10k sets, so numbers go into
 * typed arrays, in the sets' order, rather than an object per set).
 */
function visitEndpoints(
  visit: ScheduledVisit,
  order: number,
  scheduled: boolean,
  values: VisitValue[],
  baselineOf: Map<string, number>,
): VisitEndpoints {
  const salts = new Float64Array(values.length);
  const changes = new Float64Array(values.length);
  const percents = new Float64Array(values.length);
  const improved = RELATIVE_CRITERIA.map(() => 0);
  const notFinal: string[] = [];
  const noBaseline: string[] = [];
  const baselineZero: string[] = [];
  let finals = 0;
  let paired = 0;
  let relative = 0;
  for (const { subjectCode, finalSalt } of values) {
    if (finalSalt === null) {
      notFinal.push(subjectCode);
      continue;
    }
    salts[finals++] = finalSalt;
    if (visit.baseline) continue;
    const baseline = baselineOf.get(subjectCode);
    if (baseline === undefined) {
      noBaseline.push(subjectCode);
      continue;
    }
    changes[paired++] = finalSalt - baseline;
    if (baseline === 0) {
      baselineZero.push(subjectCode);
      continue;
    }
    if (baseline < 0) continue;
    percents[relative++] = percentChange(baseline, finalSalt);
    for (let index = 0; index < RELATIVE_CRITERIA.length; index++) {
      if (meetsImprovement(baseline, finalSalt, RELATIVE_CRITERIA[index].improvement)) {
        improved[index]++;
      }
    }
  }
  const finalSalts = salts.subarray(0, finals);
  const absolute = ABSOLUTE_CRITERIA.map((c) =>
    rate(c.key, c.label, countAtMost(finalSalts, c.atMost), finals),
  );
  const base = {
    visit: visit.label,
    order,
    plannedDay: visit.plannedDay,
    baseline: visit.baseline,
    scheduled,
    sets: values.length,
    notFinal: subjectList(notFinal),
    salt: summarize(finalSalts),
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
  return {
    ...base,
    change: summarize(changes.subarray(0, paired)),
    percentChange: summarize(percents.subarray(0, relative)),
    noBaseline: subjectList(noBaseline),
    baselineZero: subjectList(baselineZero),
    rates: [
      ...absolute,
      ...RELATIVE_CRITERIA.map((c, index) => rate(c.key, c.label, improved[index], relative)),
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
