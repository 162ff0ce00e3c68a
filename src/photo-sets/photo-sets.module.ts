import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { EventsModule } from '../events/events.module';
import { StorageModule } from '../storage/storage.module';
import { StudiesModule } from '../studies/studies.module';
import { ImportEntity } from './import.entity';
import { ImportsController } from './imports.controller';
import { ImportsRepository } from './imports.repository';
import { ImportsService } from './imports.service';
import { IngestService } from './ingest.service';
import { ImageReplacementService } from './image-replacement.service';
import { PhotoImageEntity } from './photo-image.entity';
import { PhotoImagesService } from './photo-images.service';
import { PhotoSetEntity } from './photo-set.entity';
import { PhotoSetsController } from './photo-sets.controller';
import { PhotoSetsReconciler } from './photo-sets.reconciler';
import { PhotoSetsRepository } from './photo-sets.repository';
import { PhotoSetsService } from './photo-sets.service';
import { SubjectEntity } from './subject.entity';

/**
 * Subjects, visits, photo sets, upload and bulk import. A set that becomes ready is announced as
 * the domain event 'photo-set.ready'; PhotoImagesService serves its renditions to other modules.
 * Its jobs (ingest.job.ts, import.job.ts) run in WorkersModule.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SubjectEntity, PhotoSetEntity, PhotoImageEntity, ImportEntity]),
    AuditModule,
    EventsModule,
    StorageModule,
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
    PhotoSetsReconciler,
    ImageReplacementService,
  ],
  exports: [
    TypeOrmModule,
    PhotoImagesService,
    PhotoSetsRepository,
    PhotoSetsService,
    ImportsService,
    IngestService,
    ImageReplacementService,
  ],
})
export class PhotoSetsModule {}
