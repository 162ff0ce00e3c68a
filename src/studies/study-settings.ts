export const PAIRINGS = ['per-subject', 'per-set'] as const;
export type Pairing = (typeof PAIRINGS)[number];

export const ADJUDICATION_MODES = ['select-or-own', 'select'] as const;
export type AdjudicationMode = (typeof ADJUDICATION_MODES)[number];

/** The study's imaging charter: when a pair of reads is discordant, and how raters pair up. */
export interface StudySettings {
  /** A pair is discordant when |A − B| exceeds this many SALT points. */
  maxDifference: number;
  /** A pair is discordant when A and B fall on different sides of any of these SALT values. */
  thresholds: number[];
  pairing: Pairing;
  adjudication: AdjudicationMode;
}

export const DEFAULT_STUDY_SETTINGS: StudySettings = {
  maxDifference: 10,
  thresholds: [20],
  pairing: 'per-subject',
  adjudication: 'select-or-own',
};

/** Fills in defaults for stored settings written before a key existed. */
export function withDefaults(settings: Partial<StudySettings> | null | undefined): StudySettings {
  return { ...DEFAULT_STUDY_SETTINGS, ...(settings ?? {}) };
}
