import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { StorageModule } from '../storage/storage.module';
import { BlindedImageFastPath } from './blinded-image-fast-path';
import { BlindedImagesRepository } from './blinded-images.repository';
import { BlindedImagesService, RENDITION_CACHE } from './blinded-images.service';
import { RenditionCache } from './rendition-cache';

/**
 * The fast path in front of the rater's and the adjudicator's image routes, which app.factory.ts
 * mounts; the controllers stay the contract and answer everything the fast path leaves to them.
 */
@Module({
  imports: [StorageModule],
  providers: [
    BlindedImagesRepository,
    BlindedImagesService,
    BlindedImageFastPath,
    {
      provide: RENDITION_CACHE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new RenditionCache(config.renditionCacheBytes),
    },
  ],
  exports: [BlindedImageFastPath],
})
export class BlindedImagesModule {}
