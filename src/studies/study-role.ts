export const STUDY_ROLES = ['rater', 'adjudicator', 'coordinator', 'auditor'] as const;
export type StudyRole = (typeof STUDY_ROLES)[number];

/** Roles that read sets blind, and roles that see subject, visit, date and results. */
const BLINDED: readonly StudyRole[] = ['rater', 'adjudicator'];
const UNBLINDED: readonly StudyRole[] = ['coordinator', 'auditor'];

/**
 * Why a member may not hold these roles together in one study, or null. A rater or adjudicator
 * who is also the study's coordinator or auditor would see the subject, visit, date and the
 * other read of the very sets they score, which is what blinding exists to prevent.
 */
export function blindingConflict(roles: readonly StudyRole[]): string | null {
  const blinded = roles.filter((role) => BLINDED.includes(role));
  const unblinded = roles.filter((role) => UNBLINDED.includes(role));
  if (!blinded.length || !unblinded.length) return null;
  return (
    `a study's ${blinded.join(' or ')} cannot also be its ${unblinded.join(' or ')}: ` +
    'they would see the subject, visit and results of the sets they read blind'
  );
}
