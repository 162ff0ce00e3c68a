import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { EventsModule } from '../events/events.module';
import { PhotoSetsModule } from '../photo-sets/photo-sets.module';
import { ReadsModule } from '../reads/reads.module';
import { SignaturesModule } from '../signatures/signatures.module';
import { StudiesModule } from '../studies/studies.module';
import {
  AdjudicationDecisionEntity,
  AdjudicationTaskEntity,
  FinalScoreEntity,
  PairEvaluationEntity,
} from './adjudication.entities';
import { AdjudicationController } from './adjudication.controller';
import { AdjudicationRepository } from './adjudication.repository';
import { AdjudicationService } from './adjudication.service';
import { EvaluationService } from './evaluation.service';
import { FinalScoresService } from './final-scores.service';

/**
 * Pair evaluation, adjudication tasks and decisions, final scores. Its job (evaluate.job.ts) runs
 * in WorkersModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([
      PairEvaluationEntity,
      AdjudicationTaskEntity,
      AdjudicationDecisionEntity,
      FinalScoreEntity,
    ]),
    AuditModule,
    EventsModule,
    PhotoSetsModule,
    ReadsModule,
    SignaturesModule,
    StudiesModule,
  ],
  controllers: [AdjudicationController],
  providers: [AdjudicationRepository, AdjudicationService, EvaluationService, FinalScoresService],
  exports: [AdjudicationRepository, EvaluationService, AdjudicationService],
})
export class AdjudicationModule {}
