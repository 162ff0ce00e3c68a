import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDiskStorage } from './local-disk.storage';
import { newStorageKey, StorageObjectMissing } from './photo-storage';

describe('LocalDiskStorage', () => {
  let root: string;
  let storage: LocalDiskStorage;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'salt-storage-'));
    storage = new LocalDiskStorage(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes, reads, stats and deletes an object, leaving no temp file', async () => {
    const key = newStorageKey('renditions');
    await storage.put(key, Buffer.from('hello'));
    expect((await storage.get(key)).toString()).toBe('hello');
    expect(await storage.stat(key)).toEqual({ size: 5 });
    const dir = join(root, key, '..');
    expect(readdirSync(dir).filter((name) => name.startsWith('.tmp-'))).toEqual([]);
    await storage.delete(key);
    await expect(storage.get(key)).rejects.toBeInstanceOf(StorageObjectMissing);
    expect(await storage.stat(key)).toBeNull();
    await storage.delete(key);
  });

  it('keys are random and carry nothing but the area', () => {
    const a = newStorageKey('originals');
    const b = newStorageKey('originals');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^originals\/[0-9a-f]{2}\/[0-9a-f]{32}$/);
  });

  it('refuses keys that could escape the storage directory', async () => {
    await expect(storage.put('../evil', Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
    await expect(storage.get('originals/../../etc/passwd')).rejects.toThrow(/invalid storage key/);
  });
});
