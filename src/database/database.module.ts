import { Global, Inject, Logger, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { AfterCommit } from './after-commit';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';
import { runMigrations } from './migrate';
import { StalledConnectionSubscriber } from './stalled-connection.subscriber';
import { TransactionService } from './transaction.service';

// Global: transactions and AfterCommit are infrastructure nearly every feature uses, and this
// module depends on no feature, so it cannot hide a cycle between features.
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        // Each feature module registers its own entities with TypeOrmModule.forFeature.
        autoLoadEntities: true,
        // Start-up waits for Postgres briefly instead of crashing on the first refused socket.
        retryAttempts: 10,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [TransactionService, AfterCommit, StalledConnectionSubscriber],
  exports: [TransactionService, AfterCommit],
})
export class DatabaseModule implements OnModuleInit {
  private readonly logger = new Logger(DatabaseModule.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.migrateOnStart) return;
    // A short-lived pool of its own, without the app's statement timeouts: waiting for another
    // process's migration lock, or a migration rewriting a large table, may take longer.
    const migrator = new DataSource(dataSourceOptions({ databaseUrl: this.config.databaseUrl }));
    await migrator.initialize();
    let applied: string[];
    try {
      applied = await runMigrations(migrator, { appRole: this.config.appDbRole });
    } finally {
      await migrator.destroy();
    }
    if (applied.length) this.logger.log(`applied migrations: ${applied.join(', ')}`);
  }
}
