import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StudiesModule } from '../studies/studies.module';
import { UsersModule } from '../users/users.module';
import { AssignProcessor } from './assign.job';
import { AssignmentRepository } from './assignment.repository';
import { AssignmentService } from './assignment.service';
import { ReadEntity } from './read.entity';
import { ReadTaskEntity } from './read-task.entity';
import { PhotoAccess } from './photo-access';
import { ReadCorrectionsService } from './read-corrections.service';
import { ReassignProcessor } from './reassign.job';
import { ReadsController } from './reads.controller';
import { ReadsRepository } from './reads.repository';
import { ReadsService } from './reads.service';

@Module({})
export class ReadsModule {
  // Nest identifies dynamic modules by reference: AppModule and AdjudicationModule must get the
  // same object, or the module (and its listeners) would exist twice.
  private static readonly registered = new Map<boolean, DynamicModule>();

  static register({ workers }: { workers: boolean }): DynamicModule {
    const existing = ReadsModule.registered.get(workers);
    if (existing) return existing;
    const module: DynamicModule = {
      module: ReadsModule,
      imports: [TypeOrmModule.forFeature([ReadTaskEntity, ReadEntity]), StudiesModule, UsersModule],
      controllers: [ReadsController],
      providers: [
        PhotoAccess,
        ReadsRepository,
        AssignmentRepository,
        AssignmentService,
        ReadsService,
        ReadCorrectionsService,
        ...(workers ? [AssignProcessor, ReassignProcessor] : []),
      ],
      exports: [PhotoAccess, ReadsRepository, AssignmentService],
    };
    ReadsModule.registered.set(workers, module);
    return module;
  }
}
