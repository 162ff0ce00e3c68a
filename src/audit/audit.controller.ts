import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { AuditPage, AuditTrailService } from './audit-trail.service';
import { LogVerifyResult } from './audit-log-verifier';
import {
  AuditExportQueryDto,
  AuditListQueryDto,
  AuditPageDto,
  EntityTimelineParamsDto,
} from './dto/audit-query.dto';
import { LogVerifyResultDto, VerifyOutsideDto } from './dto/audit-log.dto';
import { AuditEventPageDto } from './dto/audit-responses.dto';

/**
 * The auditor's view of the trail. Anyone else signed in gets 404 from the guard, the answer for
 * anything one may not see.
 */
@ApiTags('audit')
@ApiSignedIn()
@ApiErrors(404)
@Controller('audit')
@Roles('auditor', 'admin')
export class AuditController {
  constructor(private readonly trail: AuditTrailService) {}

  @Get()
  @ApiOperation({ summary: 'Events, filtered and keyset-paged' })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiErrors(400)
  list(@Query() query: AuditListQueryDto): Promise<AuditPage> {
    return this.trail.list(query);
  }

  @Get('entities/:type/:id')
  @ApiOperation({ summary: "One entity's full timeline, with related events" })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiErrors(400)
  timeline(
    @Param() params: EntityTimelineParamsDto,
    @Query() query: AuditPageDto,
  ): Promise<AuditPage> {
    return this.trail.timeline(params.type, params.id, query);
  }

  @Get('verify')
  @ApiOperation({
    summary: 'Rebuild the Merkle tree from the events and check every signed checkpoint',
  })
  @ApiOkResponse({ type: LogVerifyResultDto })
  verify(@CurrentUser() principal: Principal): Promise<LogVerifyResult> {
    return this.trail.verify(principal);
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify, and say whether the log is still consistent with checkpoints held outside',
  })
  @ApiOkResponse({ type: LogVerifyResultDto })
  @ApiErrors(400)
  verifyAgainst(
    @CurrentUser() principal: Principal,
    @Body() body: VerifyOutsideDto,
  ): Promise<LogVerifyResult> {
    return this.trail.verify(principal, body.checkpoints);
  }

  @Get('export')
  @ApiOperation({ summary: 'Stream the filtered events as CSV or JSON lines (itself audited)' })
  @ApiProduces('text/csv', 'application/x-ndjson')
  @ApiOkResponse({
    description: 'A download; JSON lines by default, one AuditEvent per line',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiErrors(400)
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
