import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError } from '../common/domain-error';
import { RedisClient } from '../queue/redis.provider';

const WINDOW_SECONDS = 60;

/**
 * Counts failed logins per account and per IP in one-minute windows shared by every api process.
 * Once either counter reaches the limit, further attempts get 429 until the window ends.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly client: RedisClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Both keys come from RedisClient.key, so on a Redis Cluster they share the queue prefix's hash
   * tag and one slot: MGET and MULTI over them are refused (CROSSSLOT) otherwise.
   */
  private keys(email: string, ip: string): string[] {
    const account = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    return [this.client.key(`login-fail:acct:${account}`), this.client.key(`login-fail:ip:${ip}`)];
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    let counts: (string | null)[];
    try {
      counts = await this.client.redis.mget(...this.keys(email, ip));
    } catch {
      // Fails closed: without the counters we cannot throttle, and failing open would let anyone
      // who can slow Redis down guess passwords without limit. Sign-in is the only casualty; a
      // signed-in session does not need Redis. The wait is bounded by the client's command
      // timeout (redis.provider.ts), so a Redis that is down or frozen answers 503 within seconds.
      throw new DomainError('unavailable', 'Sign-in is temporarily unavailable; try again shortly');
    }
    if (counts.some((count) => Number(count ?? 0) >= this.config.loginFailuresPerMinute)) {
      throw new DomainError(
        'too-many-requests',
        'Too many failed sign-ins; wait a minute and retry',
      );
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const pipeline = this.client.redis.multi();
    for (const key of this.keys(email, ip)) {
      pipeline.incr(key);
      pipeline.expire(key, WINDOW_SECONDS, 'NX');
    }
    await pipeline.exec().catch(() => undefined);
  }
}
