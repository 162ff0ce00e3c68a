import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis, { Cluster } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { createRedisCluster, redisConnectionOptions } from './redis-connection';

/**
 * A plain Redis client for short commands (health pings, login throttling). Unlike BullMQ's
 * connections it fails fast while Redis is down or not answering instead of queueing commands.
 *
 * On a Redis Cluster (REDIS_CLUSTER_NODES) it is a cluster client, and every key from `key()`
 * carries the queue prefix's hash tag, so a command over several of them (MGET, MULTI) finds
 * them all in one slot.
 */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: Redis | Cluster;
  readonly keyPrefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keyPrefix = `${config.queuePrefix}:app:`;
    const failFast = {
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // A connected Redis that stops answering (a frozen network) must not hang the request:
      // the command fails after this long. BullMQ's own connections (redis-connection.ts) keep
      // waiting instead, as its blocking workers need, and request paths never await them.
      commandTimeout: config.redisCommandTimeoutMs,
    };
    this.redis = config.redisCluster
      ? createRedisCluster(config.redisCluster, { enableOfflineQueue: false, node: failFast })
      : new Redis({
          ...redisConnectionOptions(config.redisUrl),
          ...failFast,
          enableOfflineQueue: false,
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
