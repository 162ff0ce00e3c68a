import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { EventsModule } from '../events/events.module';
import { PhotoSetsModule } from '../photo-sets/photo-sets.module';
import { SignaturesModule } from '../signatures/signatures.module';
import { StudiesModule } from '../studies/studies.module';
import { ReaderQualityModule } from '../reader-quality/reader-quality.module';
import { AssignmentRepository } from './assignment.repository';
import { AssignmentService } from './assignment.service';
import { ReadEntity } from './read.entity';
import { ReadTaskEntity } from './read-task.entity';
import { ReadCorrectionsService } from './read-corrections.service';
import { ReadsController } from './reads.controller';
import { ReadsRepository } from './reads.repository';
import { ReadsService } from './reads.service';
import { QualityTasksRepository } from './quality-tasks.repository';
import { QualityTasksService } from './quality-tasks.service';

/**
 * Read tasks and reads: assignment of ready sets to two raters, the rater's blinded queue and
 * scoring, corrections. Its jobs (assign.job.ts, reassign.job.ts) run in WorkersModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([ReadTaskEntity, ReadEntity]),
    AuditModule,
    EventsModule,
    PhotoSetsModule,
    SignaturesModule,
    StudiesModule,
    ReaderQualityModule,
  ],
  controllers: [ReadsController],
  providers: [
    ReadsRepository,
    AssignmentRepository,
    AssignmentService,
    ReadsService,
    ReadCorrectionsService,
    QualityTasksRepository,
    QualityTasksService,
  ],
  exports: [ReadsRepository, AssignmentRepository, AssignmentService, ReadsService],
})
export class ReadsModule {}
