import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LocalDiskStorage } from './local-disk.storage';
import { PHOTO_STORAGE, PhotoStorage } from './photo-storage';

/** Inject with `@Inject(PHOTO_STORAGE) storage: PhotoStorage`; only photo-sets touches the files. */
@Module({
  providers: [
    {
      provide: PHOTO_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): PhotoStorage => new LocalDiskStorage(config.storageDir),
    },
  ],
  exports: [PHOTO_STORAGE],
})
export class StorageModule {}
