import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../common/domain-error';
import { PHOTO_STORAGE, PhotoStorage } from '../storage/photo-storage';
import { RenditionSize } from './photo-image.entity';
import { View } from './photo-set.entity';
import { PhotoSetsRepository } from './photo-sets.repository';

export interface OpenedRendition {
  body: Buffer;
  /** Strong ETag, quoted, ready for the header. */
  etag: string;
  contentType: 'image/jpeg';
}

/**
 * Serves renditions, never originals. Callers check who may see the set first; this only knows
 * whether the image is ready.
 */
@Injectable()
export class PhotoImagesService {
  constructor(
    private readonly sets: PhotoSetsRepository,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
  ) {}

  async openRendition(
    photoSetId: string,
    view: View,
    size: RenditionSize,
  ): Promise<OpenedRendition> {
    const image = await this.sets.readyImage(photoSetId, view);
    if (!image) throw notFound('Image not found');
    const [key, etag] =
      size === 'full'
        ? [image.fullKey, image.etag]
        : size === 'display'
          ? [image.displayKey, image.displayEtag]
          : [image.thumbKey, image.thumbEtag];
    return { body: await this.storage.get(key), etag: `"${etag}"`, contentType: 'image/jpeg' };
  }
}
