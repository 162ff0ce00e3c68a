import { DynamicModule, Module } from '@nestjs/common';
import { AdjudicationModule } from './adjudication/adjudication.module';
import { AgreementModule } from './agreement/agreement.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './account/auth.module';
import { BlindedImagesModule } from './blinded-images/blinded-images.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { PhotoSetsModule } from './photo-sets/photo-sets.module';
import { QueriesModule } from './queries/queries.module';
import { QueueModule } from './queue/queue.module';
import { QueueBoardModule } from './queue-board/queue-board.module';
import { ReadsModule } from './reads/reads.module';
import { ResultsModule } from './results/results.module';
import { StudiesModule } from './studies/studies.module';
import { UsersModule } from './users/users.module';
import { WorkersModule } from './workers/workers.module';

@Module({})
export class AppModule {
  /**
   * The feature modules are the same in every process. SALT_ROLE `worker` or `all` adds
   * WorkersModule, the BullMQ processors; an api-only process never consumes work.
   */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        QueueModule,
        AuditModule,
        AuthModule,
        UsersModule,
        StudiesModule,
        PhotoSetsModule,
        ReadsModule,
        AdjudicationModule,
        BlindedImagesModule,
        QueriesModule,
        ResultsModule,
        DemoModule,
        AgreementModule,
        HealthModule,
        MetricsModule,
        QueueBoardModule,
        ...(config.role !== 'api' ? [WorkersModule] : []),
      ],
    };
  }
}
