import { EntityManager } from 'typeorm';
import { AuditAction } from '../audit/audit-action';
import { AuditActor, AuditService } from '../audit/audit.service';
import { AuthRepository } from '../auth/auth.repository';

/**
 * A new password ends the user's API tokens as well as their sessions: whoever learnt the old
 * password may have made a token with it, and must not keep access through it. Each token's
 * revocation is its own event, as when its owner revokes it.
 */
export async function revokeTokensForNewPassword(
  tx: EntityManager,
  auth: AuthRepository,
  audit: AuditService,
  actor: AuditActor,
  userId: string,
): Promise<number> {
  const tokenIds = await auth.revokeAllTokens(tx, userId);
  for (const tokenId of tokenIds) {
    await audit.record(tx, {
      actor,
      action: AuditAction.TokenRevoked,
      entityType: 'api-token',
      entityId: tokenId,
      reason: 'password changed',
    });
  }
  return tokenIds.length;
}
