import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import {
  newStorageKey,
  PhotoStorage,
  StorageObjectMissing,
  StoredObject,
} from '../../src/storage/photo-storage';
import { BackendKind, startStorageBackend, StorageBackend } from './storage-backends';

async function listAll(storage: PhotoStorage): Promise<StoredObject[]> {
  const found: StoredObject[] = [];
  for await (const object of storage.list()) found.push(object);
  return found;
}

async function readAll(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * What every PhotoStorage must do, run against each backend (local-disk-storage.e2e-spec.ts,
 * s3-storage.e2e-spec.ts): the photo-sets code and the orphan sweeper rely on nothing else.
 */
export function storageContract(kind: BackendKind): void {
  describe(`PhotoStorage contract: ${kind}`, () => {
    let backend: StorageBackend;
    let storage: PhotoStorage;

    beforeAll(async () => {
      backend = await startStorageBackend(kind);
      storage = backend.storage;
    });
    afterAll(() => backend.close());

    it('answers probe when the store is reachable', async () => {
      await expect(storage.probe()).resolves.toBeUndefined();
    });

    it('puts, gets, stats, overwrites and deletes an object', async () => {
      const key = newStorageKey('renditions');
      await storage.put(key, Buffer.from('first version'));
      expect((await storage.get(key)).toString()).toBe('first version');
      expect(await storage.stat(key)).toEqual({ size: 13 });
      await storage.put(key, Buffer.from('second'));
      expect((await storage.get(key)).toString()).toBe('second');
      await storage.delete(key);
      await expect(storage.get(key)).rejects.toBeInstanceOf(StorageObjectMissing);
      expect(await storage.stat(key)).toBeNull();
      // Deleting what is already gone is not an error.
      await expect(storage.delete(key)).resolves.toBeUndefined();
    });

    it('answers StorageObjectMissing for a key never stored, from get and open alike', async () => {
      const key = newStorageKey('renditions');
      await expect(storage.get(key)).rejects.toBeInstanceOf(StorageObjectMissing);
      await expect(storage.open(key)).rejects.toBeInstanceOf(StorageObjectMissing);
      expect(await storage.stat(key)).toBeNull();
    });

    it('streams an object with its length known up front, byte for byte', async () => {
      const key = newStorageKey('renditions');
      const bytes = randomBytes(3 * 1024 * 1024 + 17);
      await storage.put(key, bytes);
      const opened = await storage.open(key);
      expect(opened.size).toBe(bytes.length);
      expect((await readAll(opened.body)).equals(bytes)).toBe(true);
      await storage.delete(key);
    });

    it('releases an opened object when the reader gives up or the request is aborted', async () => {
      const key = newStorageKey('renditions');
      const bytes = randomBytes(2 * 1024 * 1024);
      await storage.put(key, bytes);
      const opened = await storage.open(key);
      opened.body.destroy();
      await once(opened.body, 'close');

      const controller = new AbortController();
      const aborted = await storage.open(key, controller.signal);
      const failed = readAll(aborted.body);
      controller.abort();
      await expect(failed).rejects.toThrow();

      // Nothing was left locked or half-read: the object is whole and can still be deleted.
      expect((await storage.get(key)).equals(bytes)).toBe(true);
      await storage.delete(key);
      await expect(storage.open(key)).rejects.toBeInstanceOf(StorageObjectMissing);
    });

    it('refuses keys that newStorageKey could not have made', async () => {
      for (const key of ['../evil', 'originals/../../etc/passwd', 'renditions/aa/short', '']) {
        await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
        await expect(storage.get(key)).rejects.toThrow(/invalid storage key/);
        await expect(storage.open(key)).rejects.toThrow(/invalid storage key/);
        await expect(storage.delete(key)).rejects.toThrow(/invalid storage key/);
      }
    });

    it('keeps originals under their own restricted prefix', async () => {
      const original = newStorageKey('originals');
      const rendition = newStorageKey('renditions');
      await storage.put(original, Buffer.from('original'));
      await storage.put(rendition, Buffer.from('rendition'));
      expect(backend.pathOf(original)).toMatch(/\/originals\/[0-9a-f]{2}\/[0-9a-f]{32}/);
      expect(existsSync(backend.pathOf(original))).toBe(true);
      expect(existsSync(backend.pathOf(rendition))).toBe(true);
      await storage.delete(original);
      await storage.delete(rendition);
    });

    it('lists every stored object with its size and age, and nothing else', async () => {
      const keys = [
        newStorageKey('originals'),
        newStorageKey('renditions'),
        newStorageKey('imports'),
      ];
      for (const [index, key] of keys.entries()) {
        await storage.put(key, Buffer.alloc(index + 1, 7));
      }
      const old = new Date('2025-03-01T12:00:00Z');
      await backend.age(keys[0], old);

      const listed = await listAll(storage);
      const ours = listed.filter((object) => keys.includes(object.key));
      expect(ours.map((object) => object.key).sort()).toEqual([...keys].sort());
      for (const object of listed) expect(object.key).toMatch(/^(originals|renditions|imports)\//);
      const byKey = new Map(ours.map((object) => [object.key, object]));
      expect(byKey.get(keys[0])?.lastModified.getTime()).toBe(old.getTime());
      expect(byKey.get(keys[1])?.size).toBe(2);
      const young = byKey.get(keys[2])?.lastModified.getTime() ?? 0;
      expect(Math.abs(young - Date.now())).toBeLessThan(3_600_000);

      for (const key of keys) await storage.delete(key);
      const after = await listAll(storage);
      expect(after.filter((object) => keys.includes(object.key))).toEqual([]);
    });
  });
}
