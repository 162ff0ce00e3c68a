import { Inject, Injectable } from '@nestjs/common';
import { RenditionSize } from '../photo-sets/photo-image.entity';
import { View } from '../photo-sets/photo-set.entity';
import { PHOTO_STORAGE, PhotoStorage } from '../storage/photo-storage';
import { Rendition } from './blinded-image';
import { BlindedImagesRepository, BlindedTaskKind } from './blinded-images.repository';
import { RenditionCache } from './rendition-cache';

export const RENDITION_CACHE = Symbol('RenditionCache');

/**
 * A reader's rendition with one query and, mostly, no file read: the query proves the session is
 * live, the task is its user's and live, and names the rendition's key; the bytes come from the cache of
 * immutable renditions (rendition-cache.ts) or from storage.
 */
@Injectable()
export class BlindedImagesService {
  constructor(
    private readonly repository: BlindedImagesRepository,
    @Inject(PHOTO_STORAGE) private readonly storage: PhotoStorage,
    @Inject(RENDITION_CACHE) private readonly cache: RenditionCache,
  ) {}

  /**
   * The rendition, or null when the session's holder may not see it (or it is not ready, or the
   * session is not live).
   */
  async open(
    kind: BlindedTaskKind,
    sessionTokenHash: Buffer,
    taskId: string,
    view: View,
    size: RenditionSize,
  ): Promise<Rendition | null> {
    const rendition = await this.repository.rendition(kind, sessionTokenHash, taskId, view, size);
    if (!rendition) return null;
    const body = await this.cache.getOrLoad(rendition.key, () => this.storage.get(rendition.key));
    return { body, etag: `"${rendition.etag}"`, contentType: 'image/jpeg' };
  }
}
