import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import { StudyLockDto, StudyLockReasonDto } from './dto/study-lock.dto';
import { StudiesService } from './studies.service';
import { StudyLockService, StudyLockView } from './study-lock.service';

@ApiTags('studies')
@ApiSignedIn()
@Controller('studies')
export class StudyLockController {
  constructor(
    private readonly locks: StudyLockService,
    private readonly studies: StudiesService,
  ) {}

  @Get(':id/lock')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: 'Whether the study is locked for analysis, since when and why' })
  @ApiOkResponse({ type: StudyLockDto })
  @ApiErrors(400, 404)
  async status(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<StudyLockView> {
    await this.studies.requireStudyRole(principal, id, ['coordinator', 'auditor']);
    return this.locks.status(id);
  }

  @Post(':id/lock')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary:
      'Lock the study for analysis (admin): uploads, imports, reads, decisions, queries, ' +
      'corrections and membership changes answer 409 until it is unlocked',
  })
  @ApiOkResponse({ type: StudyLockDto })
  @ApiErrors(400, 404, 409, 413, 415)
  lock(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: StudyLockReasonDto,
  ): Promise<StudyLockView> {
    return this.locks.lock(principal, id, body.reason);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Unlock the study, with a reason (admin)' })
  @ApiOkResponse({ type: StudyLockDto })
  @ApiErrors(400, 404, 409, 413, 415)
  unlock(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: StudyLockReasonDto,
  ): Promise<StudyLockView> {
    return this.locks.unlock(principal, id, body.reason);
  }
}
