import { AccountsAndAudit1764150000000 } from './1764150000000-accounts-and-audit';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [AccountsAndAudit1764150000000];
