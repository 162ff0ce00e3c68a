export const STUDY_ROLES = ['rater', 'adjudicator', 'coordinator', 'auditor'] as const;
export type StudyRole = (typeof STUDY_ROLES)[number];
