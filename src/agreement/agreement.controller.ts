import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import { AgreementService, AgreementView, ScaleName } from './agreement.service';
import { AgreementDto } from './dto/agreement-responses.dto';

export class AgreementQueryDto {
  @ApiPropertyOptional({ enum: ['aa-iga', 'olsen-s'], default: 'aa-iga' })
  @IsOptional()
  @IsIn(['aa-iga', 'olsen-s'])
  scale?: ScaleName;
}

@ApiTags('results')
@ApiSignedIn()
@Controller('studies/:id/agreement')
export class AgreementController {
  constructor(private readonly agreementService: AgreementService) {}

  @Get()
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary: 'Inter-rater agreement: ICC, Bland–Altman, kappa, per-rater monitoring',
  })
  @ApiOkResponse({ type: AgreementDto })
  @ApiErrors(400, 404)
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Query() query: AgreementQueryDto,
  ): Promise<AgreementView> {
    return this.agreementService.forStudy(principal, studyId, query.scale ?? 'aa-iga');
  }
}
