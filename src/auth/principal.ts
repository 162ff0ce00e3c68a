import type { AuditActor } from '../audit/audit.service';
import type { Role } from '../users/role';
import type { TokenScope } from './token-scope';

/**
 * Who is calling: set on the request by AuthGuard, read with @CurrentUser(). Kept apart from
 * the auth module so any feature can name the caller without depending on login and sessions.
 */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  roles: Role[];
  via: 'session' | 'token';
  credentialId: string;
  /** A session may do whatever the user may; a token only what its scope allows. */
  scope: TokenScope;
}

/** The caller as the audit trail names them; `role` says in what capacity they acted. */
export function actorOf(principal: Principal, role = 'user'): AuditActor {
  return { id: principal.userId, name: principal.name, role };
}
