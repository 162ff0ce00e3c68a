import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { redisConnectionOptions } from './redis-connection';

/**
 * A plain Redis client for short commands (health pings, login throttling). Unlike BullMQ's
 * connections it fails fast while Redis is down or not answering instead of queueing commands.
 */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: Redis;
  readonly keyPrefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keyPrefix = `${config.queuePrefix}:app:`;
    this.redis = new Redis({
      ...redisConnectionOptions(config.redisUrl),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      // A connected Redis that stops answering (a frozen network) must not hang the request:
      // the command fails after this long. BullMQ's own connections (redis-connection.ts) keep
      // waiting instead, as its blocking workers need, and request paths never await them.
      commandTimeout: config.redisCommandTimeoutMs,
      lazyConnect: false,
    });
    // Errors surface through commands; without a listener ioredis would log every reconnect.
    this.redis.on('error', () => undefined);
  }

  key(name: string): string {
    return this.keyPrefix + name;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
