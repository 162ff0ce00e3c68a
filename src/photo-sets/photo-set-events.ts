import { Injectable } from '@nestjs/common';

/** Called after the transaction that made a set ready has committed. Must be idempotent. */
export type PhotoSetReadyListener = (photoSetId: string) => Promise<void>;

/**
 * Lets later stages (assignment) react to a set becoming ready without photo-sets knowing them.
 * Listeners run after commit and may run more than once for one set (a retried ingest job), so
 * they should only enqueue with deterministic job ids.
 */
@Injectable()
export class PhotoSetEvents {
  private readonly readyListeners: PhotoSetReadyListener[] = [];

  onReady(listener: PhotoSetReadyListener): void {
    this.readyListeners.push(listener);
  }

  async emitReady(photoSetId: string): Promise<void> {
    for (const listener of this.readyListeners) await listener(photoSetId);
  }
}
