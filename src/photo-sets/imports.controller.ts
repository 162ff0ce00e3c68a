import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  UploadedFiles as UploadedFilesParam,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { RefusedWhileLocked } from '../studies/refused-while-locked.decorator';
import { UuidParam } from '../common/validation';
import { ImportAcceptedDto, ImportArchiveBodyDto, ImportDto } from './dto/photo-set-responses.dto';
import { ImportsService, ImportView } from './imports.service';
import { MultipartInterceptor, UploadedFiles } from './multipart.interceptor';
import { MAX_ARCHIVE_BYTES } from './photo-limits';

@ApiTags('imports')
@ApiSignedIn()
@Controller()
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @RefusedWhileLocked()
  @Post('studies/:id/imports')
  @Roles('admin', 'coordinator')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Import photo sets from a ZIP archive, all or nothing' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportArchiveBodyDto })
  @ApiAcceptedResponse({ type: ImportAcceptedDto })
  @ApiErrors(400, 404, 413, 415)
  @UseInterceptors(
    MultipartInterceptor({
      files: [{ name: 'archive', maxCount: 1 }],
      maxFileBytes: MAX_ARCHIVE_BYTES,
      maxFields: 0,
    }),
  )
  create(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @UploadedFilesParam() files: UploadedFiles | undefined,
  ): Promise<{ id: string }> {
    return this.imports.create(principal, studyId, files?.archive?.[0]);
  }

  @Get('imports/:id')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: "An import's progress and problems" })
  @ApiOkResponse({ type: ImportDto })
  @ApiErrors(400, 404)
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<ImportView> {
    return this.imports.get(principal, id);
  }
}
