import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Response } from 'express';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { invalid } from '../common/domain-error';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import { EndpointsDto } from './dto/endpoint-responses.dto';
import { endpointsCsv } from './endpoints.csv';
import { EndpointsService, EndpointsView } from './endpoints.service';
import { ResultsService } from './results.service';

@ApiTags('results')
@ApiSignedIn()
@Controller('studies')
@Roles('coordinator', 'auditor', 'admin')
export class EndpointsController {
  constructor(
    private readonly endpointsService: EndpointsService,
    private readonly resultsService: ResultsService,
  ) {}

  @Get(':id/endpoints')
  @ApiOperation({
    summary:
      'Trial endpoints per scheduled visit from final SALT: summaries, change from baseline, ' +
      'SALT ≤ 20/≤ 10 and SALT50/75/90 rates with Wilson 95% CIs',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(EndpointsDto)
  @ApiOkResponse({
    description: 'JSON by default; `format=csv` downloads the table as CSV (one row per measure)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(EndpointsDto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiErrors(400, 404)
  async endpoints(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Query('format') format: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EndpointsView | string> {
    if (format !== undefined && format !== 'json' && format !== 'csv') {
      throw invalid(['format must be json or csv']);
    }
    const report = await this.endpointsService.forStudy(principal, studyId);
    if (format !== 'csv') return report;
    await this.resultsService.recordExport(principal, studyId, report.visits.length, 'endpoints');
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="endpoints-${studyId}.csv"`);
    response.setHeader('Cache-Control', 'no-store');
    return endpointsCsv(report);
  }
}
