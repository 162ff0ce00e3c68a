import { Module } from '@nestjs/common';
import { StudiesModule } from '../studies/studies.module';
import { ResultsController } from './results.controller';
import { ResultsRepository } from './results.repository';
import { ResultsService } from './results.service';

@Module({
  imports: [StudiesModule],
  controllers: [ResultsController],
  providers: [ResultsRepository, ResultsService],
})
export class ResultsModule {}
