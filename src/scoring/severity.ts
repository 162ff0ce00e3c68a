import { toTenths } from './salt';

/**
 * A severity scale: ordered categories, each starting at a lower bound. Boundaries are data,
 * not constants in code, so a study (or a newer edition of a scale) can change them in one place.
 */
export interface SeverityCategory {
  code: string;
  label: string;
  /** The lowest SALT in the category. */
  from: number;
  /** Whether `from` itself belongs to this category (true) or to the one before (false). */
  inclusive: boolean;
}

export interface SeverityScale {
  name: string;
  categories: readonly SeverityCategory[];
}

/**
 * AA-IGA (used in current trials): 0 none (SALT 0); 1 limited (1–20); 2 moderate (21–49);
 * 3 severe (50–94); 4 very severe (95–100). SALT carries one decimal, so the integer ranges are
 * read as: limited (0, 20], moderate (20, 50), severe [50, 95), very severe [95, 100].
 */
export const AA_IGA: SeverityScale = {
  name: 'AA-IGA',
  categories: [
    { code: '0', label: 'none', from: 0, inclusive: true },
    { code: '1', label: 'limited', from: 0, inclusive: false },
    { code: '2', label: 'moderate', from: 20, inclusive: false },
    { code: '3', label: 'severe', from: 50, inclusive: true },
    { code: '4', label: 'very severe', from: 95, inclusive: true },
  ],
};

/**
 * Olsen's S classes: S0 0%; S1 < 25%; S2 25–49%; S3 50–74%; S4 75–99% (S4a 75–95, S4b 96–99);
 * S5 100%. Between 95 and 96 the published ranges leave a gap; above 95 counts as S4b.
 */
export const OLSEN_S: SeverityScale = {
  name: 'Olsen S',
  categories: [
    { code: 'S0', label: 'no hair loss', from: 0, inclusive: true },
    { code: 'S1', label: 'less than 25%', from: 0, inclusive: false },
    { code: 'S2', label: '25–49%', from: 25, inclusive: true },
    { code: 'S3', label: '50–74%', from: 50, inclusive: true },
    { code: 'S4a', label: '75–95%', from: 75, inclusive: true },
    { code: 'S4b', label: '96–99%', from: 95, inclusive: false },
    { code: 'S5', label: '100%', from: 100, inclusive: true },
  ],
};

export const SEVERITY_SCALES = { 'aa-iga': AA_IGA, 'olsen-s': OLSEN_S } as const;

/** The category of a SALT value (0–100, one decimal) on a scale. */
export function categorize(salt: number, scale: SeverityScale): SeverityCategory {
  const value = toTenths(salt);
  let found: SeverityCategory | undefined;
  for (const category of scale.categories) {
    const from = toTenths(category.from);
    if (category.inclusive ? value >= from : value > from) found = category;
  }
  if (!found) throw new RangeError(`SALT ${salt} is below the scale ${scale.name}`);
  return found;
}
