import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LocalDiskStorage } from './local-disk.storage';
import { OrphanSweeper } from './orphan-sweeper';
import { PHOTO_STORAGE, PhotoStorage } from './photo-storage';
import { S3Storage } from './s3.storage';
import { StorageReferencesRepository } from './storage-references.repository';

/** The configured store: S3 when STORAGE_URL=s3://…, otherwise local disk under STORAGE_DIR. */
export function createPhotoStorage(config: Pick<AppConfig, 's3' | 'storageDir'>): PhotoStorage {
  return config.s3 ? new S3Storage(config.s3) : new LocalDiskStorage(config.storageDir);
}

/**
 * Inject with `@Inject(PHOTO_STORAGE) storage: PhotoStorage`; only photo-sets touches the files.
 * OrphanSweeper is run by SweepStorageProcessor, which WorkersModule provides.
 */
@Module({
  providers: [
    {
      provide: PHOTO_STORAGE,
      inject: [APP_CONFIG],
      useFactory: createPhotoStorage,
    },
    StorageReferencesRepository,
    OrphanSweeper,
  ],
  exports: [PHOTO_STORAGE, OrphanSweeper],
})
export class StorageModule {}
