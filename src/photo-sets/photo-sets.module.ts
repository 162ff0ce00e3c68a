import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StudiesModule } from '../studies/studies.module';
import { ImportProcessor } from './import.job';
import { ImportEntity } from './import.entity';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';
import { IngestProcessor } from './ingest.job';
import { IngestService } from './ingest.service';
import { PhotoImageEntity } from './photo-image.entity';
import { PhotoImagesService } from './photo-images.service';
import { PhotoSetEvents } from './photo-set-events';
import { PhotoSetEntity } from './photo-set.entity';
import { PhotoSetsController } from './photo-sets.controller';
import { PhotoSetsReconciler } from './photo-sets.reconciler';
import { PhotoSetsRepository } from './photo-sets.repository';
import { PhotoSetsService } from './photo-sets.service';
import { SubjectEntity } from './subject.entity';

/**
 * Subjects, visits, photo sets, upload, bulk import and the `ingest` job. Other modules use
 * PhotoSetEvents.onReady (assignment) and PhotoImagesService.openRendition (blinded serving).
 */
@Module({})
export class PhotoSetsModule {
  static register({ workers }: { workers: boolean }): DynamicModule {
    return {
      module: PhotoSetsModule,
      imports: [
        TypeOrmModule.forFeature([SubjectEntity, PhotoSetEntity, PhotoImageEntity, ImportEntity]),
        StudiesModule,
      ],
      controllers: [PhotoSetsController, ImportsController],
      providers: [
        PhotoSetsRepository,
        ImportsRepository,
        PhotoSetsService,
        PhotoImagesService,
        ImportsService,
        IngestService,
        PhotoSetEvents,
        PhotoSetsReconciler,
        ...(workers ? [IngestProcessor, ImportProcessor] : []),
      ],
      exports: [TypeOrmModule, PhotoSetEvents, PhotoImagesService, PhotoSetsRepository],
    };
  }
}
