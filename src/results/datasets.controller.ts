import { once } from 'node:events';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Response } from 'express';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import { StudyLockService } from '../studies/study-lock.service';
import { DatasetName, DatasetsService } from './datasets.service';

const CSV = {
  description: 'CSV, streamed; docs/analysis-datasets.md is the data dictionary',
  content: { 'text/csv': { schema: { type: 'string' } } },
};

/** The statistician's analysis datasets, for the same people as results. */
@ApiTags('results')
@ApiSignedIn()
@Controller('studies')
@Roles('coordinator', 'auditor', 'admin')
export class DatasetsController {
  constructor(
    private readonly datasetsService: DatasetsService,
    private readonly locks: StudyLockService,
  ) {}

  @Get(':id/datasets/adsalt.csv')
  @ApiOperation({
    summary: 'ADSALT: one row per subject × visit (CDISC ADaM BDS), final SALT and responses',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse(CSV)
  @ApiErrors(400, 404)
  adsalt(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Res() response: Response,
  ): Promise<void> {
    return this.send(principal, studyId, 'adsalt', response);
  }

  @Get(':id/datasets/adread.csv')
  @ApiOperation({
    summary: 'ADREAD: one row per read, the rater as a stable pseudonymous code',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse(CSV)
  @ApiErrors(400, 404)
  adread(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Res() response: Response,
  ): Promise<void> {
    return this.send(principal, studyId, 'adread', response);
  }

  private async send(
    principal: Principal,
    studyId: string,
    name: DatasetName,
    response: Response,
  ): Promise<void> {
    // Refusals happen here, before the first byte, so they are ordinary error answers.
    const chunks = await this.datasetsService.open(principal, studyId, name);
    // Made during a lock: the lock's time and the audit log's head at locking travel along.
    const lockHeaders = await this.locks.exportHeaders(studyId);
    for (const [header, value] of Object.entries(lockHeaders)) response.setHeader(header, value);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${name}-${studyId}.csv"`);
    response.setHeader('Cache-Control', 'no-store');
    try {
      for await (const chunk of chunks) {
        if (response.destroyed) return;
        // Backpressure: wait for a slow client instead of buffering the whole dataset (or for
        // the client to go away, checked above on the next turn).
        if (!response.write(chunk)) {
          await Promise.race([once(response, 'drain'), once(response, 'close')]);
        }
      }
      response.end();
    } catch (error) {
      // The status line is gone already: cut the download so it cannot pass for complete.
      response.destroy(error as Error);
    }
  }
}
