import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { EvaluateProcessor } from '../adjudication/evaluate.job';
import { AuditSealer } from '../audit/audit-sealer';
import { AuditWitness } from '../audit/audit-witness';
import { AuditModule } from '../audit/audit.module';
import { AdjudicationModule } from '../adjudication/adjudication.module';
import { ImportProcessor } from '../photo-sets/import.job';
import { IngestProcessor } from '../photo-sets/ingest.job';
import { PhotoSetsModule } from '../photo-sets/photo-sets.module';
import { ReconcileProcessor } from '../queue/reconcile.job';
import { WorkerErrorLogger } from '../queue/worker-errors';
import { AssignProcessor } from '../reads/assign.job';
import { ReassignProcessor } from '../reads/reassign.job';
import { ReadsModule } from '../reads/reads.module';
import { QueryReplacementProcessor } from '../queries/query-replacement.job';
import { QueriesModule } from '../queries/queries.module';
import { StorageModule } from '../storage/storage.module';
import { SweepStorageProcessor } from '../storage/sweep-storage.job';

/**
 * Every BullMQ processor, one per queue (JobHandlersCheck verifies it at start-up). AppModule
 * imports this only when SALT_ROLE runs workers (`worker` or `all`), so an api-only process
 * enqueues work but never consumes it. A processor is a thin shell over its feature's service;
 * the job files stay beside that service.
 */
@Module({
  imports: [
    DiscoveryModule,
    PhotoSetsModule,
    ReadsModule,
    AdjudicationModule,
    StorageModule,
    QueriesModule,
    AuditModule,
  ],
  providers: [
    IngestProcessor,
    ImportProcessor,
    AssignProcessor,
    ReassignProcessor,
    EvaluateProcessor,
    ReconcileProcessor,
    SweepStorageProcessor,
    WorkerErrorLogger,
    QueryReplacementProcessor,
    // Not a queue processor: the one audit log sealer, elected among worker processes.
    AuditSealer,
    AuditWitness,
  ],
})
export class WorkersModule {}
