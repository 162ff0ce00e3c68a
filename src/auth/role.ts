export const ROLES = ['admin', 'coordinator', 'rater', 'adjudicator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
