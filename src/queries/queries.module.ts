import { Module } from '@nestjs/common';
import { AdjudicationModule } from '../adjudication/adjudication.module';
import { AuditModule } from '../audit/audit.module';
import { PhotoSetsModule } from '../photo-sets/photo-sets.module';
import { ReadsModule } from '../reads/reads.module';
import { StorageModule } from '../storage/storage.module';
import { StudiesModule } from '../studies/studies.module';
import { QueriesController } from './queries.controller';
import { QueriesRepository } from './queries.repository';
import { QueriesService } from './queries.service';

/**
 * Image queries (issue 13): a view a reader cannot score goes to the coordinator instead of
 * being forced. Sits above reads and adjudication, whose work it withdraws, gives back or voids;
 * its job (query-replacement.job.ts) runs in WorkersModule.
 */
@Module({
  imports: [
    AuditModule,
    PhotoSetsModule,
    ReadsModule,
    AdjudicationModule,
    StudiesModule,
    StorageModule,
  ],
  controllers: [QueriesController],
  providers: [QueriesRepository, QueriesService],
  exports: [QueriesService],
})
export class QueriesModule {}
