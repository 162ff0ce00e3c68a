/**
 * Rendition bytes kept in memory, least recently used first out, within a budget of bytes.
 *
 * Safe to keep without invalidation because a storage key's bytes never change: ingest and image
 * replacement always write renditions to fresh random keys (newStorageKey) and point the image
 * row at them in their commit. The cache holds bytes only, never a decision: every request is
 * authorized against the database before a key is looked up here.
 */
export class RenditionCache {
  /** Map order is recency: the first entry is the least recently used. */
  private readonly entries = new Map<string, Buffer>();
  private readonly loading = new Map<string, Promise<Buffer>>();
  private used = 0;

  /** Objects larger than this are not kept: one full-size image must not flush the rest. */
  readonly maxEntryBytes: number;

  constructor(readonly budgetBytes: number) {
    this.maxEntryBytes = Math.floor(budgetBytes / 8);
  }

  get size(): number {
    return this.used;
  }

  get(key: string): Buffer | undefined {
    const bytes = this.entries.get(key);
    if (bytes === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, bytes);
    return bytes;
  }

  set(key: string, bytes: Buffer): void {
    if (bytes.length > this.maxEntryBytes) return;
    const previous = this.entries.get(key);
    if (previous !== undefined) {
      this.entries.delete(key);
      this.used -= previous.length;
    }
    this.entries.set(key, bytes);
    this.used += bytes.length;
    for (const [oldest, old] of this.entries) {
      if (this.used <= this.budgetBytes) break;
      this.entries.delete(oldest);
      this.used -= old.length;
    }
  }

  /**
   * The cached bytes, or `load()`'s, kept for next time. Concurrent misses on one key share one
   * load, so fifty raters opening the same set read the file once.
   */
  async getOrLoad(key: string, load: () => Promise<Buffer>): Promise<Buffer> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load().finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
      const bytes = await pending;
      this.set(key, bytes);
      return bytes;
    }
    return pending;
  }
}
