import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Principal } from '../auth/principal';
import {
  BlindedImageRoute,
  renditionSize,
  sendBlindedImage,
  ViewParam,
} from '../blinded-images/blinded-image';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { SigningRequirementDto } from '../signatures/dto/signing.dto';
import { SigningRequirement } from '../signatures/signatures.service';
import { RefusedWhileLocked } from '../studies/refused-while-locked.decorator';
import { UuidParam } from '../common/validation';
import { View } from '../photo-sets/photo-set.entity';
import { AdjudicationTaskView } from './adjudication-task.view';
import {
  AdjudicationQueryRaised,
  AdjudicationQueue,
  AdjudicationService,
  DecisionResult,
} from './adjudication.service';
import {
  AdjudicationQueryRaisedDto,
  AdjudicationQueueDto,
  AdjudicationTaskDto,
  DecisionResultDto,
} from './dto/adjudication-responses.dto';
import { DecisionDto } from './dto/decision.dto';

@ApiTags('adjudications')
@ApiSignedIn()
@ApiErrors(404)
@Controller('adjudications')
@Roles('adjudicator')
export class AdjudicationController {
  constructor(private readonly adjudicationService: AdjudicationService) {}

  @Get()
  @ApiOperation({ summary: 'My open adjudications and counts' })
  @ApiOkResponse({ type: AdjudicationQueueDto })
  queue(@CurrentUser() principal: Principal): Promise<AdjudicationQueue> {
    return this.adjudicationService.queue(principal);
  }

  @Post('next')
  @HttpCode(200)
  @ApiOperation({ summary: 'My next adjudication' })
  @ApiOkResponse({ type: AdjudicationTaskDto })
  @ApiNoContentResponse({ description: 'Nothing is waiting' })
  async next(
    @CurrentUser() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AdjudicationTaskView | undefined> {
    const task = await this.adjudicationService.next(principal);
    if (!task) {
      response.status(204);
      return undefined;
    }
    return task;
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of my adjudications: Read A, Read B and the rules fired' })
  @ApiOkResponse({ type: AdjudicationTaskDto })
  @ApiErrors(400, 404)
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<AdjudicationTaskView> {
    return this.adjudicationService.get(principal, id);
  }

  @BlindedImageRoute('An image of my adjudication')
  async image(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Param('view', ViewParam) view: View,
    @Query('size') size: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const rendition = await this.adjudicationService.image(
      principal,
      id,
      view,
      renditionSize(size),
    );
    sendBlindedImage(request, response, id, rendition);
  }

  @Get(':id/signing')
  @ApiOperation({
    summary: 'What signing my decision takes: printed name, meaning, password or not',
  })
  @ApiOkResponse({ type: SigningRequirementDto })
  @ApiErrors(400, 404)
  signing(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<SigningRequirement> {
    return this.adjudicationService.signing(principal, id);
  }

  @RefusedWhileLocked()
  @Post(':id/decision')
  @ApiOperation({
    summary:
      'Decide: Read A, Read B or my own read, with a rationale; or name views not evaluable, ' +
      'which opens an image query instead',
  })
  @ApiExtraModels(DecisionResultDto, AdjudicationQueryRaisedDto)
  @ApiCreatedResponse({
    schema: {
      oneOf: [
        { $ref: getSchemaPath(DecisionResultDto) },
        { $ref: getSchemaPath(AdjudicationQueryRaisedDto) },
      ],
    },
  })
  @ApiErrors(400, 404, 409, 413, 415, 423, 429)
  decide(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: DecisionDto,
  ): Promise<DecisionResult | AdjudicationQueryRaised> {
    return this.adjudicationService.answer(principal, id, body);
  }
}
