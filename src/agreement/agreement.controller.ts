import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Principal } from '../auth/auth.repository';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { UuidParam } from '../common/validation';
import { AgreementService, AgreementView, ScaleName } from './agreement.service';

export class AgreementQueryDto {
  @IsOptional()
  @IsIn(['aa-iga', 'olsen-s'])
  scale?: ScaleName;
}

@ApiTags('results')
@Controller('studies/:id/agreement')
export class AgreementController {
  constructor(private readonly agreementService: AgreementService) {}

  @Get()
  @Roles('auditor', 'admin')
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Query() query: AgreementQueryDto,
  ): Promise<AgreementView> {
    return this.agreementService.forStudy(principal, studyId, query.scale ?? 'aa-iga');
  }
}
