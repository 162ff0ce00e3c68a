import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import {
  CalibrationSetDto,
  OwnQualificationDto,
  ReaderQualityOverviewDto,
  ReasonDto,
  ReferenceDto,
  ReferenceReadDto,
} from './dto/reader-quality.dto';
import {
  CalibrationSetView,
  OwnQualificationView,
  QualificationService,
  ReferenceView,
} from './qualification.service';
import { ReaderQualityOverview, ReaderQualityService } from './reader-quality.service';

@ApiTags('reader-quality')
@ApiSignedIn()
@Controller()
export class ReaderQualityController {
  constructor(
    private readonly qualification: QualificationService,
    private readonly readerQuality: ReaderQualityService,
  ) {}

  @Get('studies/:id/reader-quality')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary:
      "Every rater's qualification, discordance p-chart and drift, re-read statistics, and alerts",
  })
  @ApiOkResponse({ type: ReaderQualityOverviewDto })
  @ApiErrors(400, 404)
  overview(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
  ): Promise<ReaderQualityOverview> {
    return this.readerQuality.overview(principal, studyId);
  }

  @Put('studies/:id/calibration-sets/:photoSetId')
  @Roles('coordinator', 'admin')
  @ApiOperation({
    summary: 'Mark a photo set as a calibration set with its reference read (or change it)',
  })
  @ApiOkResponse({ type: CalibrationSetDto })
  @ApiErrors(400, 404, 409)
  markCalibrationSet(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Param('photoSetId', UuidParam) photoSetId: string,
    @Body() body: ReferenceReadDto,
  ): Promise<CalibrationSetView> {
    const { top, back, left, right } = body;
    return this.qualification.markCalibrationSet(principal, studyId, photoSetId, {
      top,
      back,
      left,
      right,
    });
  }

  @Get('studies/:id/calibration-sets')
  @Roles('coordinator', 'auditor', 'admin')
  @ApiOperation({ summary: "The study's calibration sets with their reference reads" })
  @ApiOkResponse({ type: [CalibrationSetDto] })
  @ApiErrors(400, 404)
  calibrationSets(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
  ): Promise<CalibrationSetView[]> {
    return this.qualification.calibrationSets(principal, studyId);
  }

  @Get('studies/:id/reader-quality/me')
  @Roles('rater')
  @ApiOperation({ summary: 'My own qualification state in the study' })
  @ApiOkResponse({ type: OwnQualificationDto })
  @ApiErrors(400, 404)
  mine(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
  ): Promise<OwnQualificationView> {
    return this.qualification.myQualification(principal, studyId);
  }

  @Post('studies/:id/reader-quality/raters/:raterId/rounds')
  @Roles('admin')
  @ApiOperation({
    summary: 'Give a rater another calibration round (after a failure or a suspension)',
  })
  @ApiCreatedResponse({ type: OwnQualificationDto })
  @ApiErrors(400, 404, 409)
  newRound(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Param('raterId', UuidParam) raterId: string,
  ): Promise<OwnQualificationView> {
    return this.qualification.newRound(principal, studyId, raterId);
  }

  @Post('studies/:id/reader-quality/raters/:raterId/grant')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Qualify a rater by hand after review (a reason is required)' })
  @ApiOkResponse({ type: OwnQualificationDto })
  @ApiErrors(400, 404)
  grant(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Param('raterId', UuidParam) raterId: string,
    @Body() body: ReasonDto,
  ): Promise<OwnQualificationView> {
    return this.qualification.grant(principal, studyId, raterId, body.reason);
  }

  @Post('studies/:id/reader-quality/raters/:raterId/suspend')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Suspend a rater in the study: no new tasks, open live tasks are handed on',
  })
  @ApiOkResponse({ type: OwnQualificationDto })
  @ApiErrors(400, 404, 409)
  suspend(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Param('raterId', UuidParam) raterId: string,
    @Body() body: ReasonDto,
  ): Promise<OwnQualificationView> {
    return this.qualification.suspend(principal, studyId, raterId, body.reason);
  }

  @Get('reads/:id/reference')
  @Roles('rater')
  @ApiTags('reads')
  @ApiOperation({
    summary:
      'Training feedback: the reference read of a task just scored, where the study shows it',
  })
  @ApiOkResponse({ type: ReferenceDto })
  @ApiErrors(400, 404)
  reference(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) readTaskId: string,
  ): Promise<ReferenceView> {
    return this.qualification.reference(principal, readTaskId);
  }
}
