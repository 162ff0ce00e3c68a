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
import { ResultsDto } from './dto/result-responses.dto';
import { resultsCsv } from './results.csv';
import { StudyLockService } from '../studies/study-lock.service';
import { ResultRow, ResultsService } from './results.service';

@ApiTags('results')
@ApiSignedIn()
@Controller('studies')
@Roles('coordinator', 'auditor', 'admin')
export class ResultsController {
  constructor(
    private readonly resultsService: ResultsService,
    private readonly locks: StudyLockService,
  ) {}

  @Get(':id/results')
  @ApiOperation({ summary: 'One row per photo set: both reads, discordance, final SALT' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(ResultsDto)
  @ApiOkResponse({
    description: 'JSON by default; `format=csv` downloads the same rows as CSV',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ResultsDto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiErrors(400, 404)
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
    // Made during a lock: the lock's time and the audit log's head at locking travel along.
    const lockHeaders = await this.locks.exportHeaders(studyId);
    for (const [name, value] of Object.entries(lockHeaders)) response.setHeader(name, value);
    if (format !== 'csv') return { items };
    await this.resultsService.recordExport(principal, studyId, items.length);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="results-${studyId}.csv"`);
    response.setHeader('Cache-Control', 'no-store');
    return resultsCsv(items);
  }
}
