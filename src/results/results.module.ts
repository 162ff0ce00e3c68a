import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { StudiesModule } from '../studies/studies.module';
import { DatasetsController } from './datasets.controller';
import { DatasetsRepository } from './datasets.repository';
import { DatasetsService } from './datasets.service';
import { EndpointsController } from './endpoints.controller';
import { EndpointsRepository } from './endpoints.repository';
import { EndpointsService } from './endpoints.service';
import { ResultsController } from './results.controller';
import { ResultsRepository } from './results.repository';
import { ResultsService } from './results.service';

@Module({
  imports: [AuditModule, StudiesModule],
  controllers: [ResultsController, EndpointsController, DatasetsController],
  providers: [
    ResultsRepository,
    ResultsService,
    EndpointsRepository,
    EndpointsService,
    DatasetsRepository,
    DatasetsService,
  ],
})
export class ResultsModule {}
