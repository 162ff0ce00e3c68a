import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Request, Response } from 'express';
import { Principal } from '../auth/auth.repository';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { UuidParam } from '../common/validation';
import { View } from '../photo-sets/photo-set.entity';
import { sendBlindedImage } from '../reads/image-response';
import { renditionSize, ViewParam } from '../reads/reads.controller';
import { AdjudicationTaskView } from './adjudication-task.view';
import { AdjudicationQueue, AdjudicationService, DecisionResult } from './adjudication.service';
import { DecisionDto } from './dto/decision.dto';

@ApiTags('adjudications')
@Controller('adjudications')
@Roles('adjudicator')
export class AdjudicationController {
  constructor(private readonly adjudicationService: AdjudicationService) {}

  @Get()
  queue(@CurrentUser() principal: Principal): Promise<AdjudicationQueue> {
    return this.adjudicationService.queue(principal);
  }

  @Post('next')
  @HttpCode(200)
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
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<AdjudicationTaskView> {
    return this.adjudicationService.get(principal, id);
  }

  @Get(':id/images/:view')
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

  @Post(':id/decision')
  decide(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: DecisionDto,
  ): Promise<DecisionResult> {
    return this.adjudicationService.decide(principal, id, body);
  }
}
