/**
 * Events about photo sets, published by photo-sets services inside the transaction that makes
 * the change. Find the handlers by searching for the event's name.
 */
declare module '../events/domain-event.decorator' {
  interface DomainEventMap {
    /**
     * A set's images are ready to read (or a retried ingest found it already ready). May be
     * published more than once for one set, so handlers must be idempotent.
     */
    'photo-set.ready': { photoSetId: string };
  }
}

export {};
