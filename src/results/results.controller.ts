import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Principal } from '../auth/auth.repository';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { invalid } from '../common/domain-error';
import { UuidParam } from '../common/validation';
import { resultsCsv } from './results.csv';
import { ResultRow, ResultsService } from './results.service';

@ApiTags('results')
@Controller('studies')
@Roles('coordinator', 'auditor', 'admin')
export class ResultsController {
  constructor(private readonly resultsService: ResultsService) {}

  @Get(':id/results')
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  async results(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Query('format') format: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ items: ResultRow[] } | string> {
    if (format !== undefined && format !== 'json' && format !== 'csv') {
      throw invalid(['format must be json or csv']);
    }
    const items = await this.resultsService.rows(principal, studyId);
    if (format !== 'csv') return { items };
    await this.resultsService.recordExport(principal, studyId, items.length);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="results-${studyId}.csv"`);
    response.setHeader('Cache-Control', 'no-store');
    return resultsCsv(items);
  }
}
