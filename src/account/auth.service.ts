import { Inject, Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService } from '../audit/audit.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError, notFound } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { toUserView, UserView } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { AuthRepository } from '../auth/auth.repository';
import { actorOf, Principal } from '../auth/principal';
import { revokeTokensForNewPassword } from '../users/password-change';
import { LoginThrottle } from './login-throttle';
import {
  assertPasswordStrength,
  decoyPasswordHash,
  hashPassword,
  verifyPassword,
} from '../auth/password';
import { newSecret, secretDigest } from '../auth/secret-token';
import { TokenScope } from '../auth/token-scope';

export interface ClientInfo {
  ip: string;
  userAgent?: string;
}

export interface TokenView {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const INVALID_LOGIN = 'Email or password is incorrect';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly auth: AuthRepository,
    private readonly throttle: LoginThrottle,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(
    email: string,
    password: string,
    client: ClientInfo,
  ): Promise<{ user: UserView; sessionSecret: string; expiresAt: Date }> {
    await this.throttle.assertAllowed(email, client.ip);
    const user = await this.users.findByEmailWithHash(email);
    const ok = user
      ? user.active && (await verifyPassword(user.passwordHash, password))
      : await verifyPassword(await decoyPasswordHash(), password).then(() => false);
    if (!user || !ok) {
      await this.throttle.recordFailure(email, client.ip);
      await this.tx.run((tx) =>
        this.audit.record(tx, {
          actor: { id: user?.id ?? null, name: user?.name ?? email.toLowerCase(), role: 'user' },
          action: AuditAction.LoginFailed,
          entityType: 'user',
          entityId: user?.id ?? null,
          after: {
            email: email.toLowerCase(),
            reason: user ? 'bad-password-or-inactive' : 'unknown-email',
          },
        }),
      );
      throw new DomainError('unauthenticated', INVALID_LOGIN);
    }
    const sessionSecret = newSecret('ses');
    const expiresAt = new Date(Date.now() + this.config.sessionTtlHours * 3600_000);
    await this.tx.run(async (tx) => {
      const sessionId = await this.auth.createSession(tx, {
        userId: user.id,
        tokenHash: secretDigest(sessionSecret),
        expiresAt,
        ip: client.ip,
        userAgent: client.userAgent ?? null,
      });
      await this.audit.record(tx, {
        actor: { id: user.id, name: user.name, role: 'user' },
        action: AuditAction.LoginSucceeded,
        entityType: 'session',
        entityId: sessionId,
        after: { userId: user.id, expiresAt: expiresAt.toISOString() },
      });
    });
    return { user: toUserView(user), sessionSecret, expiresAt };
  }

  async logout(principal: Principal): Promise<void> {
    if (principal.via !== 'session') return;
    await this.tx.run(async (tx) => {
      if (!(await this.auth.revokeSession(tx, principal.credentialId))) return;
      await this.audit.record(tx, {
        actor: actorOf(principal),
        action: AuditAction.Logout,
        entityType: 'session',
        entityId: principal.credentialId,
      });
    });
  }

  async changeOwnPassword(principal: Principal, current: string, next: string): Promise<void> {
    const user = await this.users.findByEmailWithHash(principal.email);
    if (!user || !(await verifyPassword(user.passwordHash, current))) {
      throw new DomainError('invalid', ['currentPassword is incorrect']);
    }
    assertPasswordStrength(next, this.config.passwordMinLength, 'newPassword');
    const passwordHash = await hashPassword(next);
    await this.tx.run(async (tx) => {
      await this.users.update(tx, user.id, { passwordHash });
      // A new password ends every session, including this one: the user signs in again.
      const revoked = await this.auth.revokeAllSessions(tx, user.id);
      const tokensRevoked = await revokeTokensForNewPassword(
        tx,
        this.auth,
        this.audit,
        actorOf(principal),
        user.id,
      );
      await this.audit.record(tx, {
        actor: actorOf(principal),
        action: AuditAction.PasswordChanged,
        entityType: 'user',
        entityId: user.id,
        after: { sessionsEnded: revoked, tokensRevoked },
      });
    });
  }

  async createToken(
    principal: Principal,
    name: string,
    scope: TokenScope,
  ): Promise<TokenView & { token: string }> {
    const secret = newSecret('sat');
    const token = await this.tx.run(async (tx) => {
      const created = await this.auth.createToken(tx, {
        userId: principal.userId,
        name,
        scope,
        tokenHash: secretDigest(secret),
      });
      await this.audit.record(tx, {
        actor: actorOf(principal),
        action: AuditAction.TokenCreated,
        entityType: 'api-token',
        entityId: created.id,
        after: { name, scope },
      });
      return created;
    });
    return { ...toTokenView(token), token: secret };
  }

  async listTokens(principal: Principal): Promise<TokenView[]> {
    return (await this.auth.listTokens(principal.userId)).map(toTokenView);
  }

  async revokeToken(principal: Principal, tokenId: string): Promise<void> {
    await this.tx.run(async (tx) => {
      if (!(await this.auth.revokeToken(tx, principal.userId, tokenId))) throw notFound();
      await this.audit.record(tx, {
        actor: actorOf(principal),
        action: AuditAction.TokenRevoked,
        entityType: 'api-token',
        entityId: tokenId,
      });
    });
  }
}

function toTokenView(token: {
  id: string;
  name: string;
  scope: TokenScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}): TokenView {
  return {
    id: token.id,
    name: token.name,
    scope: token.scope,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  };
}
