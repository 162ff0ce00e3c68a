import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Injectable,
  PipeTransform,
  Post,
  Query,
  Req,
  Res,
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
import { Request, Response } from 'express';
import { Principal } from '../auth/principal';
import { CurrentUser, Roles } from '../auth/roles.decorator';
import { DomainError } from '../common/domain-error';
import { ApiErrors, ApiSignedIn } from '../common/openapi';
import { RefusedWhileLocked } from '../studies/refused-while-locked.decorator';
import { ApiImage } from './api-image.decorator';
import { UuidParam } from '../common/validation';
import { ListPhotoSetsQuery, RenditionQuery, UploadPhotoSetDto } from './dto/photo-set.dto';
import {
  PhotoSetDto,
  PhotoSetPageDto,
  UploadAcceptedDto,
  UploadPhotoSetBodyDto,
} from './dto/photo-set-responses.dto';
import { MultipartInterceptor, UploadedFiles } from './multipart.interceptor';
import { MAX_IMAGE_BYTES } from './photo-limits';
import { View, VIEWS } from './photo-set.entity';
import { PhotoSetView } from './photo-set.view';
import { Page, PhotoSetsService } from './photo-sets.service';

/** An unknown view is simply not found, like an unknown id. */
@Injectable()
class ViewPipe implements PipeTransform<string, View> {
  transform(value: string): View {
    if (!(VIEWS as readonly string[]).includes(value))
      throw new DomainError('not-found', 'Not found');
    return value as View;
  }
}

@ApiTags('photo-sets')
@ApiSignedIn()
@Controller()
export class PhotoSetsController {
  constructor(private readonly photoSets: PhotoSetsService) {}

  @RefusedWhileLocked()
  @Post('studies/:id/photo-sets')
  @Roles('admin', 'coordinator')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Upload one visit: four views, ingested in the background' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadPhotoSetBodyDto })
  @ApiAcceptedResponse({ type: UploadAcceptedDto })
  @ApiErrors(400, 404, 409, 413, 415)
  @UseInterceptors(
    MultipartInterceptor({
      files: VIEWS.map((name) => ({ name, maxCount: 1 })),
      maxFileBytes: MAX_IMAGE_BYTES,
      maxFields: 8,
    }),
  )
  upload(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Body() body: UploadPhotoSetDto,
    @UploadedFilesParam() files: UploadedFiles | undefined,
  ): Promise<{ id: string; status: 'processing' }> {
    return this.photoSets.upload(principal, studyId, body, files);
  }

  @Get('studies/:id/photo-sets')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: "A study's photo sets, newest first, paged" })
  @ApiOkResponse({ type: PhotoSetPageDto })
  @ApiErrors(400, 404)
  list(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) studyId: string,
    @Query() query: ListPhotoSetsQuery,
  ): Promise<Page<PhotoSetView>> {
    return this.photoSets.list(principal, studyId, query);
  }

  @Get('photo-sets/:id')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: 'One photo set, unblinded' })
  @ApiOkResponse({ type: PhotoSetDto })
  @ApiErrors(400, 404)
  get(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
  ): Promise<PhotoSetView> {
    return this.photoSets.get(principal, id);
  }

  /** Unblinded staff only. Originals are never served by this or any route. */
  @Get('photo-sets/:id/images/:view')
  @Roles('admin', 'coordinator', 'auditor')
  @ApiOperation({ summary: 'An image of a photo set (unblinded staff)' })
  @ApiImage()
  @ApiErrors(400, 404)
  async image(
    @CurrentUser() principal: Principal,
    @Param('id', UuidParam) id: string,
    @Param('view', ViewPipe) view: View,
    @Query() query: RenditionQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const image = await this.photoSets.image(principal, id, view, query.size ?? 'display');
    // Revalidated every time (a 304 by ETag): an image query's replacement changes the bytes
    // behind the same URL, and staff must never look at the earlier image by mistake.
    response.setHeader('Cache-Control', 'private, no-cache');
    response.setHeader('ETag', image.etag);
    response.setHeader('Content-Type', image.contentType);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (request.headers['if-none-match'] === image.etag) {
      response.status(HttpStatus.NOT_MODIFIED).end();
      return;
    }
    response.status(HttpStatus.OK).end(image.body);
  }
}
