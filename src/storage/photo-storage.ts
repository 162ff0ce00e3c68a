import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';

/** One stored object as a listing sees it: the sweeper judges orphans by `lastModified`. */
export interface StoredObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** An object opened for streaming: `size` is known before the first byte is sent. */
export interface OpenedObject {
  body: Readable;
  size: number;
}

/**
 * Where image bytes live. Keys are opaque and random: they never carry a subject, visit or date,
 * so a key that leaks (a URL, a log line) reveals nothing about whose scalp it shows.
 *
 * Two implementations: LocalDiskStorage (STORAGE_DIR, the default) and S3Storage
 * (STORAGE_URL=s3://bucket/prefix). test/storage/storage-contract.ts holds both to this contract.
 */
export interface PhotoStorage {
  /** Writes atomically: a reader sees the whole object or none of it. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The object's bytes; throws StorageObjectMissing when there is none. */
  get(key: string): Promise<Buffer>;
  /**
   * The object as a stream with its length; throws StorageObjectMissing (before any byte) when
   * there is none. Destroying the stream, or aborting `signal`, releases the file or connection.
   */
  open(key: string, signal?: AbortSignal): Promise<OpenedObject>;
  stat(key: string): Promise<{ size: number } | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Every stored object whose key newStorageKey could have made, with its age; anything else
   * under the store (foreign files, temp files) is not listed and so never swept.
   */
  list(): AsyncIterable<StoredObject>;
  /** Resolves when the store answers (readiness); rejects with the reason otherwise. */
  probe(): Promise<void>;
}

export const PHOTO_STORAGE = Symbol('PhotoStorage');

/**
 * Storage areas. `originals` holds uploads exactly as received (metadata and all) and is never
 * served by any route; `renditions` holds the stripped re-encodings; `imports` holds archives
 * waiting to be validated.
 */
export type StorageArea = 'originals' | 'renditions' | 'imports';

export class StorageObjectMissing extends Error {
  constructor(key: string) {
    super(`storage object ${key} is missing`);
    this.name = 'StorageObjectMissing';
  }
}

const KEY_PATTERN = /^(originals|renditions|imports)\/[0-9a-f]{2}\/[0-9a-f]{32}$/;

/** A fresh random key in an area, e.g. `renditions/3f/3f9c…`. */
export function newStorageKey(area: StorageArea): string {
  const id = randomBytes(16).toString('hex');
  return `${area}/${id.slice(0, 2)}/${id}`;
}

export function isStorageKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

/** Keys come only from newStorageKey; anything else (e.g. with `..`) is refused outright. */
export function assertStorageKey(key: string): void {
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
}

export function storageAreaOf(key: string): StorageArea {
  assertStorageKey(key);
  return key.slice(0, key.indexOf('/')) as StorageArea;
}

const logger = new Logger('PhotoStorage');

/**
 * Clean-up of files no row refers to (any more): a failure leaves an orphan file, never a broken
 * set, so it is logged and must not fail the request or job whose work has already committed.
 */
export async function deleteQuietly(storage: PhotoStorage, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    await storage.delete(key).catch((error: unknown) => {
      logger.warn({ msg: 'could not delete a stored file', err: error, key });
    });
  }
}
