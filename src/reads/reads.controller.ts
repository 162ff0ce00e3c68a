import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { invalid } from '../common/domain-error';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { RefusedWhileLocked } from '../studies/refused-while-locked.decorator';
import { UuidParam } from '../common/validation';
import {
  BlindedImageRoute,
  renditionSize,
  sendBlindedImage,
  ViewParam,
} from '../blinded-images/blinded-image';
import { View } from '../photo-sets/photo-set.entity';
import {
  NotEvaluableRecordedDto,
  ReadQueueDto,
  ReadTaskDto,
  ReopenedReadDto,
  SubmittedScoreDto,
} from './dto/read-responses.dto';
import { DraftDto, ReopenDto } from './dto/scores.dto';
import { ReadSubmissionDto } from './dto/not-evaluable.dto';
import { SigningRequirementDto } from '../signatures/dto/signing.dto';
import { SigningRequirement } from '../signatures/signatures.service';
import { ReadCorrectionsService, ReopenedRead } from './read-corrections.service';
import { ReadTaskView } from './read-task.view';
import { NotEvaluableRecorded, ReadQueue, ReadsService, SubmittedScore } from './reads.service';

export function idempotencyKey(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  if (header.length > 200) throw invalid(['Idempotency-Key must be at most 200 characters']);
  return header;
}

@ApiTags('reads')
@ApiSignedIn()
@ApiErrors(404)
@Controller('reads')
@Roles('rater')
export class ReadsController {
  constructor(
    private readonly readsService: ReadsService,
    private readonly corrections: ReadCorrectionsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'My open read tasks and counts' })
  @ApiOkResponse({ type: ReadQueueDto })
  queue(@CurrentUser() principal: Principal): Promise<ReadQueue> {
    return this.readsService.queue(principal);
  }

  @Post('next')
  @HttpCode(200)
  @ApiOperation({ summary: 'My next task, in random order' })
  @ApiOkResponse({ type: ReadTaskDto })
  @ApiNoContentResponse({ description: 'Nothing is waiting' })
  async next(
    @CurrentUser() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ReadTaskView | undefined> {
    const task = await this.readsService.next(principal);
    if (!task) {
      response.status(204);
      return undefined;
    }
    return task;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of my tasks, blinded' })
  @ApiOkResponse({ type: ReadTaskDto })
  @ApiErrors(400, 404)
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<ReadTaskView> {
    return this.readsService.get(principal, id);
  }

  @BlindedImageRoute('An image of my task')
  async image(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Param('view', ViewParam) view: View,
    @Query('size') size: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const rendition = await this.readsService.image(principal, id, view, renditionSize(size));
    sendBlindedImage(request, response, id, rendition);
  }

  @Get(':id/signing')
  @ApiOperation({
    summary: 'What signing my submission takes: printed name, meaning, password or not',
  })
  @ApiOkResponse({ type: SigningRequirementDto })
  @ApiErrors(400, 404)
  signing(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<SigningRequirement> {
    return this.readsService.signing(principal, id);
  }

  @Put(':id/draft')
  @HttpCode(204)
  @ApiOperation({ summary: 'Autosave a draft, visible to nobody else' })
  @ApiNoContentResponse({ description: 'Saved' })
  @ApiErrors(400, 404, 409, 413, 415)
  async draft(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: DraftDto,
  ): Promise<void> {
    await this.readsService.saveDraft(principal, id, body);
  }

  @RefusedWhileLocked()
  @Post(':id/score')
  @ApiOperation({
    summary:
      'Submit my scores; the server computes SALT. Views named in notEvaluable open an image ' +
      'query instead of a read',
  })
  @ApiExtraModels(SubmittedScoreDto, NotEvaluableRecordedDto)
  @ApiCreatedResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(SubmittedScoreDto) },
        { $ref: getSchemaPath(NotEvaluableRecordedDto) },
      ],
    },
  })
  @ApiErrors(400, 404, 409, 413, 415, 423, 429)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  score(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: ReadSubmissionDto,
    @Headers('idempotency-key') key: string | undefined,
  ): Promise<SubmittedScore | NotEvaluableRecorded> {
    return this.readsService.answer(principal, id, body, idempotencyKey(key));
  }

  /** Corrections (admin): the rater submits a new version; the earlier one stays. */
  @RefusedWhileLocked()
  @Post(':id/reopen')
  @Roles('admin')
  @ApiOperation({ summary: 'Reopen a submitted read for a correction (admin)' })
  @ApiCreatedResponse({ type: ReopenedReadDto })
  @ApiErrors(400, 404, 409, 413, 415)
  reopen(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: ReopenDto,
  ): Promise<ReopenedRead> {
    return this.corrections.reopen(principal, id, body.reason);
  }
}
