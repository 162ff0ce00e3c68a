import { DynamicModule, Module } from '@nestjs/common';
import { AdjudicationModule } from './adjudication/adjudication.module';
import { AgreementModule } from './agreement/agreement.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HealthModule } from './health/health.module';
import { PhotoSetsModule } from './photo-sets/photo-sets.module';
import { QueueModule } from './queue/queue.module';
import { ReadsModule } from './reads/reads.module';
import { ResultsModule } from './results/results.module';
import { StorageModule } from './storage/storage.module';
import { StudiesModule } from './studies/studies.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  /**
   * `workers` decides whether this process runs the BullMQ processors (SALT_ROLE worker or all);
   * feature modules with jobs take it as a flag so an api-only process never consumes work.
   */
  static register(config: AppConfig): DynamicModule {
    const workers = config.role !== 'api';
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        QueueModule.register({ workers }),
        AuditModule,
        AuthModule,
        UsersModule,
        StorageModule,
        StudiesModule,
        PhotoSetsModule.register({ workers }),
        ReadsModule.register({ workers }),
        AdjudicationModule.register({ workers }),
        ResultsModule,
        DemoModule,
        AgreementModule,
        HealthModule,
      ],
    };
  }
}
