import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { RedisOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { bullConnection } from './redis-connection';

/**
 * BullMQ's connection for this process (redis-connection.ts). On a cluster it is one shared
 * client that BullMQ leaves open, so this closes it at shutdown. Queues close before it: their
 * module is not global, and Nest shuts non-global modules down first.
 */
@Injectable()
export class QueueConnection implements OnApplicationShutdown {
  readonly connection: RedisOptions | Cluster;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.connection = bullConnection(config);
    // Errors reach BullMQ's own listeners; this one stops ioredis from logging each reconnect.
    if (this.connection instanceof Cluster) this.connection.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    if (connection instanceof Cluster) {
      await connection.quit().catch(() => connection.disconnect());
    }
  }
}
