import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { changed, column, rows } from '../database/typed-query';
import { ApiTokenEntity } from './api-token.entity';
import { Principal } from './principal';
import { SessionEntity } from './session.entity';

/** The user behind a live credential; the caller adds how they came in (`via`). */
const CREDENTIAL_USER = {
  userId: column.text(),
  email: column.text(),
  name: column.text(),
  roles: column.json<Principal['roles']>(),
  credentialId: column.text(),
  scope: column.text<Principal['scope']>(),
};
const ID = { id: column.text() };

@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async createSession(
    tx: EntityManager,
    session: Pick<SessionEntity, 'userId' | 'tokenHash' | 'expiresAt' | 'ip' | 'userAgent'>,
  ): Promise<string> {
    const row = tx.create(SessionEntity, { ...session, revokedAt: null });
    await tx.insert(SessionEntity, row);
    return row.id;
  }

  /** One query per request: the credential must be live and its user active. */
  async principalBySession(tokenHash: Buffer): Promise<Principal | null> {
    const [user] = await rows(
      this.dataSource,
      CREDENTIAL_USER,
      `SELECT u.id AS user_id, u.email, u.name, u.roles, s.id AS credential_id, 'full' AS scope
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active`,
      [tokenHash],
    );
    return user ? { ...user, via: 'session' } : null;
  }

  async principalByToken(tokenHash: Buffer): Promise<Principal | null> {
    const [user] = await rows(
      this.dataSource,
      CREDENTIAL_USER,
      `UPDATE api_tokens t SET last_used_at = now()
         FROM users u
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND u.active
        RETURNING u.id AS user_id, u.email, u.name, u.roles, t.id AS credential_id, t.scope`,
      [tokenHash],
    );
    return user ? { ...user, via: 'token' } : null;
  }

  async revokeSession(tx: EntityManager, sessionId: string): Promise<boolean> {
    return changed(
      tx,
      `UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [sessionId],
    );
  }

  async revokeAllSessions(tx: EntityManager, userId: string): Promise<number> {
    const revoked = await rows(
      tx,
      ID,
      `UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId],
    );
    return revoked.length;
  }

  async createToken(
    tx: EntityManager,
    token: Pick<ApiTokenEntity, 'userId' | 'name' | 'tokenHash' | 'scope'>,
  ): Promise<ApiTokenEntity> {
    const row = tx.create(ApiTokenEntity, { ...token, revokedAt: null, lastUsedAt: null });
    await tx.insert(ApiTokenEntity, row);
    return tx.findOneByOrFail(ApiTokenEntity, { id: row.id });
  }

  listTokens(userId: string): Promise<ApiTokenEntity[]> {
    return this.dataSource.manager.find(ApiTokenEntity, {
      where: { userId },
      order: { createdAt: 'DESC' },
    });
  }

  /** Revokes every live token of the user; returns their ids. */
  async revokeAllTokens(tx: EntityManager, userId: string): Promise<string[]> {
    const revoked = await rows(
      tx,
      ID,
      `UPDATE api_tokens SET revoked_at = now()
        WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId],
    );
    return revoked.map((row) => row.id);
  }

  async revokeToken(tx: EntityManager, userId: string, tokenId: string): Promise<boolean> {
    return changed(
      tx,
      `UPDATE api_tokens SET revoked_at = now()
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [tokenId, userId],
    );
  }
}
