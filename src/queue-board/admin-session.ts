import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { AuthRepository } from '../auth/auth.repository';
import { secretDigest } from '../auth/secret-token';

/**
 * Whether a request comes from a signed-in admin's browser session, resolved as AuthGuard does.
 * API tokens do not open the dashboard; and, as in the guard, a request that names an
 * Authorization header is judged by it alone, never by the cookie beside it (the cross-site
 * check lets anything that looks like a Bearer request through).
 */
@Injectable()
export class AdminSession {
  constructor(private readonly auth: AuthRepository) {}

  async isAdmin(request: Request): Promise<boolean> {
    if (request.headers.authorization !== undefined) return false;
    const cookies = request.cookies as Record<string, string> | undefined;
    const session = cookies?.[SESSION_COOKIE];
    if (!session) return false;
    const principal = await this.auth.principalBySession(secretDigest(session));
    return principal?.roles.includes('admin') ?? false;
  }
}
