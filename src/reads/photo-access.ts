import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { RenditionSize } from '../photo-sets/photo-image.entity';
import { PhotoImagesService } from '../photo-sets/photo-images.service';
import { View } from '../photo-sets/photo-set.entity';
import { PhotoSetEvents } from '../photo-sets/photo-set-events';
import { Rendition } from './image-response';

/**
 * The photo-sets services reads and adjudication use, looked up in the application rather than
 * imported: PhotoSetsModule is a dynamic module, and Nest keys dynamic modules by reference, so
 * importing `PhotoSetsModule.register(...)` a second time would create a second PhotoSetEvents
 * whose listeners the ingest job never calls.
 */
@Injectable()
export class PhotoAccess {
  private readonly logger = new Logger(PhotoAccess.name);

  constructor(private readonly moduleRef: ModuleRef) {}

  openRendition(photoSetId: string, view: View, size: RenditionSize): Promise<Rendition> {
    return this.moduleRef
      .get(PhotoImagesService, { strict: false })
      .openRendition(photoSetId, view, size);
  }

  onReady(listener: (photoSetId: string) => Promise<void>): void {
    let events: PhotoSetEvents;
    try {
      events = this.moduleRef.get(PhotoSetEvents, { strict: false });
    } catch {
      // Without the event, ready sets are still assigned by the reconciler, only later.
      this.logger.error('PhotoSetEvents is not provided: ready sets wait for the reconciler');
      return;
    }
    events.onReady(listener);
  }
}
