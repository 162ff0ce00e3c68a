import { BullModule } from '@nestjs/bullmq';
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobHandlersCheck } from './job-handlers.check';
import { ALL_QUEUES } from './queue-names';
import { QUEUES_PROVIDER, QueueProducer } from './queue.producer';
import { QueueConnection } from './queue-connection';
import { RedisClient } from './redis.provider';

/**
 * The queues and the one producer, in every process; the processors that consume them are in
 * WorkersModule, which only worker processes load.
 *
 * Global like ConfigModule and DatabaseModule: it is infrastructure that most features use and
 * it depends on no feature, so being global cannot hide a cycle between features.
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG, QueueConnection],
      useFactory: (config: AppConfig, queueConnection: QueueConnection) => ({
        connection: queueConnection.connection,
        prefix: config.queuePrefix,
      }),
      extraProviders: [QueueConnection],
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [QUEUES_PROVIDER, QueueProducer, RedisClient, JobHandlersCheck],
  exports: [QueueProducer, RedisClient, BullModule],
})
export class QueueModule {}
