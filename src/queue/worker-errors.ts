import { WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Worker } from 'bullmq';

/**
 * BullMQ workers emit 'error' for connection trouble and for jobs whose keys vanished (a flushed
 * Redis). Without a listener Node reports them as unhandled; here they become one structured log
 * line each. The work itself is safe: the reconciler re-derives it from Postgres.
 */
@Injectable()
export class WorkerErrorLogger implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!(instance instanceof WorkerHost)) continue;
      const worker = instance.worker as Worker;
      worker.on('error', (error: Error) =>
        this.logger.warn({ queue: worker.name, err: error.message }, 'queue worker error'),
      );
    }
  }
}
