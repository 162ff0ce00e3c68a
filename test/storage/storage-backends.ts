import S3rver from 's3rver';
import { mkdtempSync, rmSync } from 'node:fs';
import { utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import { PhotoStorage } from '../../src/storage/photo-storage';
import { createPhotoStorage } from '../../src/storage/storage.module';
import { freePort } from '../support/processes';

/**
 * A photo store for a test: local disk in a temp directory, or an S3 bucket on an s3rver the test
 * starts itself (free port, temp directory). `env` is what the app needs to use the same store.
 */
export interface StorageBackend {
  name: string;
  env: Record<string, string>;
  /** The store, configured through loadConfig exactly as the app would be. */
  storage: PhotoStorage;
  /** Where the store keeps the object's bytes on this machine (s3rver keeps files too). */
  pathOf(key: string): string;
  /** Sets the object's last-modified time, as if it had been stored at `when`. */
  age(key: string, when: Date): Promise<void>;
  close(): Promise<void>;
}

export type BackendKind = 'local' | 's3';

export const BACKENDS: readonly BackendKind[] = ['local', 's3'];

export const S3_BUCKET = 'salt-photos';
export const S3_PREFIX = 'trial-a/photos';

function storageFor(env: Record<string, string>): PhotoStorage {
  return createPhotoStorage(loadConfig({ DATABASE_URL: 'postgres://unused/db', ...env }));
}

export async function startStorageBackend(kind: BackendKind): Promise<StorageBackend> {
  const dir = mkdtempSync(join(tmpdir(), `salt-${kind}-store-`));
  if (kind === 'local') {
    const env = { STORAGE_DIR: dir };
    const pathOf = (key: string): string => join(dir, key);
    return {
      name: 'local disk',
      env,
      storage: storageFor(env),
      pathOf,
      age: (key, when) => utimes(pathOf(key), when, when),
      close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const port = await freePort();
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: S3_BUCKET }],
  });
  await server.run();
  const env = {
    STORAGE_URL: `s3://${S3_BUCKET}/${S3_PREFIX}`,
    S3_ENDPOINT: `http://127.0.0.1:${port}`,
    S3_REGION: 'us-east-1',
    S3_FORCE_PATH_STYLE: 'true',
    // s3rver's fixed credentials; it checks signatures like S3 does.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  };
  const storage = storageFor(env);
  const pathOf = (key: string): string => join(dir, S3_BUCKET, S3_PREFIX, `${key}._S3rver_object`);
  return {
    name: 'S3 (s3rver)',
    env,
    storage,
    pathOf,
    // s3rver reports an object's file mtime as its LastModified.
    age: (key, when) => utimes(pathOf(key), when, when),
    close: async () => {
      (storage as Partial<{ onApplicationShutdown(): void }>).onApplicationShutdown?.();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
