import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { EventsModule } from '../events/events.module';
import { PhotoSetsModule } from '../photo-sets/photo-sets.module';
import { StudiesModule } from '../studies/studies.module';
import { QualificationService } from './qualification.service';
import { ReaderQualityController } from './reader-quality.controller';
import { ReaderQualityReconciler } from './reader-quality.reconciler';
import { ReaderQualityRepository } from './reader-quality.repository';
import { RereadsService } from './rereads.service';
import { DriftService } from './drift.service';
import { ReaderQualityService } from './reader-quality.service';

/**
 * Reader quality (issue 12): calibration sets and qualification, blinded re-reads, intra-rater
 * statistics and drift monitoring. It sits below reads/: assignment asks it who may read live,
 * and it asks reads/ for tasks through domain events (reader-quality.events.ts).
 */
@Module({
  imports: [AuditModule, EventsModule, PhotoSetsModule, StudiesModule],
  controllers: [ReaderQualityController],
  providers: [
    ReaderQualityRepository,
    QualificationService,
    RereadsService,
    ReaderQualityReconciler,
    DriftService,
    ReaderQualityService,
  ],
  exports: [QualificationService, RereadsService, DriftService],
})
export class ReaderQualityModule {}
