import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ReadsModule } from '../reads/reads.module';
import { StudiesModule } from '../studies/studies.module';
import { UsersModule } from '../users/users.module';
import {
  AdjudicationDecisionEntity,
  AdjudicationTaskEntity,
  FinalScoreEntity,
  PairEvaluationEntity,
} from './adjudication.entities';
import { AdjudicationController } from './adjudication.controller';
import { AdjudicationRepository } from './adjudication.repository';
import { AdjudicationService } from './adjudication.service';
import { EvaluateProcessor } from './evaluate.job';
import { EvaluationService } from './evaluation.service';

@Module({})
export class AdjudicationModule {
  private static readonly registered = new Map<boolean, DynamicModule>();

  /** Memoised: Nest identifies dynamic modules by reference (see ReadsModule.register). */
  static register({ workers }: { workers: boolean }): DynamicModule {
    const existing = AdjudicationModule.registered.get(workers);
    if (existing) return existing;
    const module: DynamicModule = {
      module: AdjudicationModule,
      imports: [
        TypeOrmModule.forFeature([
          PairEvaluationEntity,
          AdjudicationTaskEntity,
          AdjudicationDecisionEntity,
          FinalScoreEntity,
        ]),
        ReadsModule.register({ workers }),
        StudiesModule,
        UsersModule,
      ],
      controllers: [AdjudicationController],
      providers: [
        AdjudicationRepository,
        AdjudicationService,
        EvaluationService,
        ...(workers ? [EvaluateProcessor] : []),
      ],
      exports: [AdjudicationRepository],
    };
    AdjudicationModule.registered.set(workers, module);
    return module;
  }
}
