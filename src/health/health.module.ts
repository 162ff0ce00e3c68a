import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { WorkerHealthServer } from './worker-health.server';

@Module({
  imports: [StorageModule],
  controllers: [HealthController],
  providers: [HealthService, WorkerHealthServer],
})
export class HealthModule {}
