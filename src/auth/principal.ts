import type { Role } from './role';
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

/**
 * The caller as the audit trail names them (an AuditActor); `role` says in what capacity they
 * acted. Spelled out rather than imported so that auth/ does not depend on audit/, which uses it.
 */
export function actorOf(
  principal: Principal,
  role = 'user',
): { id: string; name: string; role: string } {
  return { id: principal.userId, name: principal.name, role };
}
