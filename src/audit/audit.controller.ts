import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/auth.repository';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { AuditPage, AuditTrailService } from './audit-trail.service';
import { VerifyResult } from './audit-verify';
import {
  AuditExportQueryDto,
  AuditListQueryDto,
  AuditPageDto,
  AuditVerifyQueryDto,
  EntityTimelineParamsDto,
} from './dto/audit-query.dto';

/** The auditor's view of the trail. Blinded roles get 403 from the guard, like coordinators. */
@ApiTags('audit')
@Controller('audit')
@Roles('auditor', 'admin')
export class AuditController {
  constructor(private readonly trail: AuditTrailService) {}

  @Get()
  list(@Query() query: AuditListQueryDto): Promise<AuditPage> {
    return this.trail.list(query);
  }

  @Get('entities/:type/:id')
  timeline(
    @Param() params: EntityTimelineParamsDto,
    @Query() query: AuditPageDto,
  ): Promise<AuditPage> {
    return this.trail.timeline(params.type, params.id, query);
  }

  @Get('verify')
  verify(
    @CurrentUser() principal: Principal,
    @Query() query: AuditVerifyQueryDto,
  ): Promise<VerifyResult> {
    return this.trail.verify(principal, query);
  }

  @Get('export')
  @ApiProduces('text/csv', 'application/x-ndjson')
  async export(
    @CurrentUser() principal: Principal,
    @Query() query: AuditExportQueryDto,
  ): Promise<StreamableFile> {
    const { stream, contentType, filename } = await this.trail.export(principal, query);
    return new StreamableFile(stream, {
      type: contentType,
      disposition: `attachment; filename="${filename}"`,
    }).setErrorHandler((_error, response) => {
      // Headers are gone: cut the connection so a truncated export cannot pass for a whole one.
      if (response.destroy) response.destroy();
      else response.end();
    });
  }
}
