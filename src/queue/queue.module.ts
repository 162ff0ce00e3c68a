import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobHandlersCheck } from './job-handlers.check';
import { ALL_QUEUES } from './queue-names';
import { QueueProducer } from './queue.producer';
import { ReconcileProcessor, ReconcileRegistry } from './reconcile.job';
import { redisConnectionOptions } from './redis-connection';
import { RedisClient } from './redis.provider';
import { WorkerErrorLogger } from './worker-errors';

@Global()
@Module({})
export class QueueModule {
  static register({ workers }: { workers: boolean }): DynamicModule {
    return {
      module: QueueModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            connection: redisConnectionOptions(config.redisUrl),
            prefix: config.queuePrefix,
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [
        QueueProducer,
        RedisClient,
        ReconcileRegistry,
        JobHandlersCheck,
        ...(workers ? [ReconcileProcessor, WorkerErrorLogger] : []),
      ],
      exports: [QueueProducer, RedisClient, ReconcileRegistry, BullModule],
    };
  }
}
