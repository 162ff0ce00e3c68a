export const PAIRINGS = ['per-subject', 'per-set'] as const;
export type Pairing = (typeof PAIRINGS)[number];

export const ADJUDICATION_MODES = ['select-or-own', 'select'] as const;
export type AdjudicationMode = (typeof ADJUDICATION_MODES)[number];

/** A visit label: what uploads, manifests and the schedule accept. */
export const VISIT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

/** One visit of the study's schedule; the schedule's order is the visits' order. */
export interface ScheduledVisit {
  /** The visit label uploads and manifests use, e.g. "baseline", "week 24". */
  label: string;
  /** Planned study day (day 1 = baseline in most charters); null when the charter gives none. */
  plannedDay: number | null;
  /** Exactly one visit is the baseline that change and response are measured against. */
  baseline: boolean;
}

/** The study's imaging charter: when a pair of reads is discordant, and how raters pair up. */
export interface StudySettings {
  /** A pair is discordant when |A − B| exceeds this many SALT points. */
  maxDifference: number;
  /** A pair is discordant when A and B fall on different sides of any of these SALT values. */
  thresholds: number[];
  pairing: Pairing;
  adjudication: AdjudicationMode;
  /**
   * The visit schedule, in order. Empty means no schedule yet: any visit label is accepted, and
   * endpoints take the labels in order of first upload, the first being the baseline.
   */
  visits: ScheduledVisit[];
  /** Reader quality: qualification on calibration sets, blinded re-reads (issue 12). */
  readerQuality: ReaderQualitySettings;
  /**
   * Electronic signatures (21 CFR 11.200): the signer re-enters their password at every signing,
   * not only at the first signing of a session.
   */
  signatureEverySigning: boolean;
}

/**
 * The charter's reader-quality rules. A rater reads `qualificationSetCount` calibration sets
 * before any live set (0: no qualification step) and passes when both pass rules hold.
 */
export interface ReaderQualitySettings {
  qualificationSetCount: number;
  /** Pass rule: mean absolute SALT error against the reference reads at most this. */
  passMaxMeanAbsError: number;
  /** Pass rule: at least this percent of calibration reads within `maxDifference` of the reference. */
  passMinWithinPercent: number;
  /** The rater sees the reference of a calibration set right after reading it. */
  trainingFeedback: boolean;
  /** Share of final sets (0–1) read again, blinded, by one of their original raters. */
  rereadShare: number;
  /** Washout before a re-read: at least this many days since the first read… */
  washoutDays: number;
  /** …and at least this many other reads by the same rater in between. */
  washoutReads: number;
}

export const DEFAULT_READER_QUALITY: ReaderQualitySettings = {
  qualificationSetCount: 0,
  passMaxMeanAbsError: 5,
  passMinWithinPercent: 80,
  trainingFeedback: false,
  rereadShare: 0,
  washoutDays: 14,
  washoutReads: 20,
};

export const DEFAULT_STUDY_SETTINGS: StudySettings = {
  maxDifference: 10,
  thresholds: [20],
  pairing: 'per-subject',
  adjudication: 'select-or-own',
  visits: [],
  readerQuality: DEFAULT_READER_QUALITY,
  signatureEverySigning: false,
};

/** Fills in defaults for stored settings written before a key existed. */
export function withDefaults(settings: Partial<StudySettings> | null | undefined): StudySettings {
  const merged = { ...DEFAULT_STUDY_SETTINGS, ...(settings ?? {}) };
  return {
    ...merged,
    readerQuality: { ...DEFAULT_READER_QUALITY, ...(settings?.readerQuality ?? {}) },
  };
}

/**
 * What is wrong with a schedule: duplicate labels, not exactly one baseline, planned days out
 * of order. Empty when it is valid.
 */
export function scheduleProblems(visits: ScheduledVisit[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const visit of visits) {
    if (seen.has(visit.label)) problems.push(`visits: "${visit.label}" appears more than once`);
    seen.add(visit.label);
  }
  const baselines = visits.filter((visit) => visit.baseline).length;
  if (baselines !== 1) {
    problems.push(`visits: exactly one visit must be the baseline (found ${baselines})`);
  }
  let previous: { label: string; plannedDay: number } | undefined;
  for (const visit of visits) {
    if (visit.plannedDay === null) continue;
    if (previous && previous.plannedDay >= visit.plannedDay) {
      problems.push(
        `visits: planned day of "${visit.label}" (${visit.plannedDay}) must come after ` +
          `"${previous.label}" (${previous.plannedDay})`,
      );
    }
    previous = { label: visit.label, plannedDay: visit.plannedDay };
  }
  return problems;
}

/**
 * The schedule endpoints are computed over: the charter's when it has one, else the labels in
 * use in order of first upload, the first being the baseline. Labels in use but missing from a
 * charter schedule (sets written before it existed) are appended, so no final value is dropped.
 */
export function effectiveSchedule(
  visits: ScheduledVisit[],
  labelsInUploadOrder: string[],
): ScheduledVisit[] {
  const known = new Set(visits.map((visit) => visit.label));
  const extra = labelsInUploadOrder.filter((label) => !known.has(label));
  return [
    ...visits,
    ...extra.map((label, index) => ({
      label,
      plannedDay: null,
      baseline: visits.length === 0 && index === 0,
    })),
  ];
}
