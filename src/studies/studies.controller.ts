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
import { ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/auth.repository';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { UuidParam } from '../common/validation';
import { CreateStudyDto, PutMemberDto, UpdateStudyDto } from './dto/study.dto';
import { StudiesService } from './studies.service';
import { MemberView, StudyDetail, StudyListItem, StudyView } from './study.view';

@ApiTags('studies')
@Controller('studies')
export class StudiesController {
  constructor(private readonly studiesService: StudiesService) {}

  @Post()
  @Roles('admin')
  create(@CurrentUser() principal: Principal, @Body() body: CreateStudyDto): Promise<StudyView> {
    return this.studiesService.create(principal, body);
  }

  @Get()
  @Roles('any')
  list(@CurrentUser() principal: Principal): Promise<StudyListItem[]> {
    return this.studiesService.list(principal);
  }

  @Get(':id')
  @Roles('any')
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<StudyDetail> {
    return this.studiesService.get(principal, id);
  }

  @Patch(':id')
  @Roles('admin')
  update(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: UpdateStudyDto,
  ): Promise<StudyView> {
    return this.studiesService.update(principal, id, body);
  }

  @Get(':id/members')
  @Roles('admin')
  members(@Param('id', UuidParam) id: string): Promise<MemberView[]> {
    return this.studiesService.listMembers(id);
  }

  @Put(':id/members/:userId')
  @Roles('admin')
  putMember(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Param('userId', UuidParam) userId: string,
    @Body() body: PutMemberDto,
  ): Promise<MemberView> {
    return this.studiesService.putMember(principal, id, userId, body.roles);
  }

  @Delete(':id/members/:userId')
  @Roles('admin')
  @HttpCode(HttpStatus.NO_CONTENT)
  removeMember(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Param('userId', UuidParam) userId: string,
  ): Promise<void> {
    return this.studiesService.removeMember(principal, id, userId);
  }
}
