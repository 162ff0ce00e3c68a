import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { StudiesModule } from '../studies/studies.module';
import { ResultsController } from './results.controller';
import { ResultsRepository } from './results.repository';
import { ResultsService } from './results.service';

@Module({
  imports: [AuditModule, StudiesModule],
  controllers: [ResultsController],
  providers: [ResultsRepository, ResultsService],
})
export class ResultsModule {}
