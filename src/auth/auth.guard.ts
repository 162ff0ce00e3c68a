import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { DomainError, notFound } from '../common/domain-error';
import { Role } from './role';
import { AuthRepository } from './auth.repository';
import { Principal } from './principal';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';
import { secretDigest } from './secret-token';
import { SESSION_ONLY_KEY } from './session-only.decorator';

export const SESSION_COOKIE = 'salt_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `Bearer <token>`, with any run of white space between: the shape the CSRF check exempts. */
function bearerToken(header: string): string | undefined {
  return /^bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

/** Resolves the caller from the session cookie or a Bearer token, then checks the route's roles. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const roles = this.reflector.getAllAndOverride<(Role | 'any')[] | undefined>(
      ROLES_KEY,
      targets,
    );
    if (!roles?.length) {
      // Fail closed: a route that forgot to declare its roles is reachable by nobody.
      throw new DomainError('forbidden', 'This route declares no roles');
    }
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const principal = await this.authenticate(request);
    if (!principal) throw new DomainError('unauthenticated', 'Sign in to continue');
    request.principal = principal;
    if (!roles.includes('any') && !roles.some((role) => principal.roles.includes(role as Role))) {
      // DESIGN: whatever a user may not see is answered 404, not 403, so the answer does not even
      // reveal that it exists: a rater asking for adjudications, an adjudicator for reads, anyone
      // but staff for results or the audit trail. Routes reserved to admins (accounts, study
      // settings and membership, corrections) keep 403: that answer is the same for every id and
      // names a missing role, not a thing.
      if (roles.every((role) => role === 'admin')) {
        throw new DomainError('forbidden', 'Your role does not allow this');
      }
      throw notFound('Not found');
    }
    if (principal.via === 'token') {
      if (this.reflector.getAllAndOverride<boolean>(SESSION_ONLY_KEY, targets)) {
        throw new DomainError('forbidden', 'Sign in to do this; an API token cannot');
      }
      if (principal.scope === 'read' && !SAFE_METHODS.has(request.method.toUpperCase())) {
        throw new DomainError('forbidden', 'This API token may only read');
      }
    }
    return true;
  }

  private async authenticate(request: Request): Promise<Principal | null> {
    const authorization = request.headers.authorization;
    // A request that names a credential is judged by it alone, never by the cookie beside it:
    // the cross-site check lets anything that looks like a Bearer request through.
    if (authorization !== undefined) {
      const token = bearerToken(authorization);
      return token ? this.auth.principalByToken(secretDigest(token)) : null;
    }
    const cookies = request.cookies as Record<string, string> | undefined;
    const session = cookies?.[SESSION_COOKIE];
    if (session) return this.auth.principalBySession(secretDigest(session));
    return null;
  }
}
