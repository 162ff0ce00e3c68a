import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { UuidParam } from '../common/validation';
import { CreateStudyDto, PutMemberDto, UpdateStudyDto } from './dto/study.dto';
import { MemberDto, StudyDetailDto, StudyDto, StudyListItemDto } from './dto/study-responses.dto';
import { StudiesService } from './studies.service';
import { RefusedWhileLocked } from './refused-while-locked.decorator';
import { MemberView, StudyDetail, StudyListItem, StudyView } from './study.view';

@ApiTags('studies')
@ApiSignedIn()
@Controller('studies')
export class StudiesController {
  constructor(private readonly studiesService: StudiesService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a study with its imaging charter (admin)' })
  @ApiCreatedResponse({ type: StudyDto })
  @ApiErrors(400, 409, 413, 415)
  create(@CurrentUser() principal: Principal, @Body() body: CreateStudyDto): Promise<StudyView> {
    return this.studiesService.create(principal, body);
  }

  @Get()
  @Roles('any')
  @ApiOperation({ summary: 'Studies I belong to (all, for admins), with my roles' })
  @ApiOkResponse({ type: [StudyListItemDto] })
  list(@CurrentUser() principal: Principal): Promise<StudyListItem[]> {
    return this.studiesService.list(principal);
  }

  @Get(':id')
  @Roles('any')
  @ApiOperation({ summary: 'One study, with photo-set counts per status' })
  @ApiOkResponse({ type: StudyDetailDto })
  @ApiErrors(400, 404)
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<StudyDetail> {
    return this.studiesService.get(principal, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Retitle or change the charter (with a reason) (admin)' })
  @ApiOkResponse({ type: StudyDto })
  @ApiErrors(400, 404, 413, 415)
  update(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateStudyDto,
  ): Promise<StudyView> {
    return this.studiesService.update(principal, id, body);
  }

  @Get(':id/members')
  @Roles('admin')
  @ApiOperation({ summary: 'Members and their study roles (admin)' })
  @ApiOkResponse({ type: [MemberDto] })
  @ApiErrors(400, 404)
  members(@Param('id', UuidParam) id: string): Promise<MemberView[]> {
    return this.studiesService.listMembers(id);
  }

  @RefusedWhileLocked()
  @Put(':id/members/:userId')
  @Roles('admin')
  @ApiOperation({ summary: "Set a user's study roles (admin)" })
  @ApiOkResponse({ type: MemberDto })
  @ApiErrors(400, 404, 413, 415)
  putMember(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Param('userId', UuidParam) userId: string,
    @Body() body: PutMemberDto,
  ): Promise<MemberView> {
    return this.studiesService.putMember(principal, id, userId, body.roles);
  }

  @RefusedWhileLocked()
  @Delete(':id/members/:userId')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove a member from the study (admin)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, 404)
  removeMember(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Param('userId', UuidParam) userId: string,
  ): Promise<void> {
    return this.studiesService.removeMember(principal, id, userId);
  }
}
