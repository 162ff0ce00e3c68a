import { Module } from '@nestjs/common';
import { StudiesModule } from '../studies/studies.module';
import { AgreementController } from './agreement.controller';
import { AgreementRepository } from './agreement.repository';
import { AgreementService } from './agreement.service';

@Module({
  imports: [StudiesModule],
  controllers: [AgreementController],
  providers: [AgreementRepository, AgreementService],
})
export class AgreementModule {}
