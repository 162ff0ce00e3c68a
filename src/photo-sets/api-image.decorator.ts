import { applyDecorators } from '@nestjs/common';
import {
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiParam,
  ApiProduces,
  ApiQuery,
} from '@nestjs/swagger';
import { RENDITION_SIZES } from './photo-image.entity';
import { VIEWS } from './photo-set.entity';

/**
 * A blinded or unblinded image rendition: always a re-encoded JPEG without metadata, with a
 * strong ETag, so a repeated request with If-None-Match gets 304 and no body.
 */
export function ApiImage(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiParam({ name: 'view', enum: VIEWS, description: 'Unknown views are 404' }),
    ApiQuery({ name: 'size', required: false, enum: RENDITION_SIZES }),
    ApiProduces('image/jpeg'),
    ApiOkResponse({
      description: 'The image, re-encoded as JPEG with all metadata stripped',
      content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
    }),
    ApiNotModifiedResponse({ description: 'If-None-Match matched the ETag; no body' }),
  );
}
