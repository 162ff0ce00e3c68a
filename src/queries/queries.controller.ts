import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
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
import { MultipartInterceptor, UploadedFiles } from '../photo-sets/multipart.interceptor';
import { MAX_IMAGE_BYTES } from '../photo-sets/photo-limits';
import { VIEWS } from '../photo-sets/photo-set.entity';
import {
  ConfirmQueryDto,
  ListQueriesQuery,
  PhotoSetQueriesDto,
  QueryDto,
  QueryListDto,
  ReplacementBodyDto,
} from './dto/query.dto';
import { QueriesService, QueryList } from './queries.service';
import { ImageVersionView, QueryView } from './query.view';

/** Image queries, for the unblinded staff of a study. Raters and adjudicators have no route here. */
@ApiTags('queries')
@ApiSignedIn()
@Controller()
export class QueriesController {
  constructor(private readonly queries: QueriesService) {}

  @Get('studies/:id/queries')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: "A study's image queries, newest first, with counts" })
  @ApiOkResponse({ type: QueryListDto })
  @ApiErrors(400, 404)
  list(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Query() query: ListQueriesQuery,
  ): Promise<QueryList> {
    return this.queries.list(principal, studyId, query.status);
  }

  @Get('queries/:id')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: 'One image query (never who raised it)' })
  @ApiOkResponse({ type: QueryDto })
  @ApiErrors(400, 404)
  get(@CurrentUser() principal: Principal, @Param('id', UuidParam) id: string): Promise<QueryView> {
    return this.queries.get(principal, id);
  }

  @Get('photo-sets/:id/queries')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: "A photo set's image queries and its images' versions" })
  @ApiOkResponse({ type: PhotoSetQueriesDto })
  @ApiErrors(400, 404)
  ofSet(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<{ items: QueryView[]; imageVersions: ImageVersionView[] }> {
    return this.queries.ofSet(principal, id);
  }

  @RefusedWhileLocked()
  @Post('queries/:id/confirm')
  @HttpCode(HttpStatus.OK)
  @Roles('admin', 'coordinator')
  @ApiOperation({
    summary: 'Answer: the image stands. The set goes back to its readers with the comment',
  })
  @ApiOkResponse({ type: QueryDto })
  @ApiErrors(400, 404, 409, 413, 415)
  confirm(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Body() body: ConfirmQueryDto,
  ): Promise<QueryView> {
    return this.queries.confirm(principal, id, body.comment.trim());
  }

  @RefusedWhileLocked()
  @Post('queries/:id/replacement')
  @Roles('admin', 'coordinator')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Answer with replacement images for queried views: re-encoded in the background; reads ' +
      'of the set are voided and the same pair reads it again',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ReplacementBodyDto })
  @ApiAcceptedResponse({ type: QueryDto })
  @ApiErrors(400, 404, 409, 413, 415)
  @UseInterceptors(
    MultipartInterceptor({
      files: VIEWS.map((name) => ({ name, maxCount: 1 })),
      maxFileBytes: MAX_IMAGE_BYTES,
      maxFields: 0,
    }),
  )
  replace(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @UploadedFilesParam() files: UploadedFiles | undefined,
  ): Promise<QueryView> {
    const received = VIEWS.flatMap((view) => {
      const file = files?.[view]?.[0];
      return file ? [{ view, bytes: file.buffer }] : [];
    });
    return this.queries.replace(principal, id, received);
  }
}
