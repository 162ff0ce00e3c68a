/**
 * What a personal API token may do. `read` tokens suit exports and dashboards: a leaked one can
 * show data but change nothing. Sessions are always `full`.
 */
export const TOKEN_SCOPES = ['read', 'full'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
