import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, opendir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  assertStorageKey,
  isStorageKey,
  OpenedObject,
  PhotoStorage,
  StorageObjectMissing,
  StoredObject,
} from './photo-storage';

function isMissing(error: unknown): boolean {
  return (error as { code?: string }).code === 'ENOENT';
}

/** Photos as files under STORAGE_DIR, one file per key. */
export class LocalDiskStorage implements PhotoStorage {
  constructor(private readonly root: string) {}

  private path(key: string): string {
    assertStorageKey(key);
    return join(this.root, key);
  }

  /**
   * Temp file in the same directory, fsync, rename, fsync the directory: after a crash the key
   * holds either nothing or the complete bytes, never a torn file.
   */
  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.path(key);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true, mode: 0o750 });
    const temp = join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
    const file = await open(temp, 'wx', 0o640);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    const directory = await open(dir, 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.path(key));
    } catch (error) {
      if (isMissing(error)) throw new StorageObjectMissing(key);
      throw error;
    }
  }

  async open(key: string, signal?: AbortSignal): Promise<OpenedObject> {
    let handle;
    try {
      handle = await open(this.path(key), 'r');
    } catch (error) {
      if (isMissing(error)) throw new StorageObjectMissing(key);
      throw error;
    }
    try {
      const { size } = await handle.stat();
      // The stream owns the handle from here: it closes it on end, error or destroy.
      const body = handle.createReadStream({ signal });
      return { body, size };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      return { size: (await stat(this.path(key))).size };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.path(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  /** Walks `<area>/<xx>/` directories; temp files of unfinished puts are not keys, so skipped. */
  async *list(): AsyncIterable<StoredObject> {
    for (const area of ['originals', 'renditions', 'imports']) {
      for (const fanout of await this.entries(join(this.root, area))) {
        for (const name of await this.entries(join(this.root, area, fanout))) {
          const key = `${area}/${fanout}/${name}`;
          if (!isStorageKey(key)) continue;
          const info = await stat(join(this.root, key)).catch((error: unknown) => {
            if (isMissing(error)) return null; // deleted while we listed
            throw error;
          });
          if (info?.isFile()) yield { key, size: info.size, lastModified: info.mtime };
        }
      }
    }
  }

  async probe(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o750 });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  private async entries(dir: string): Promise<string[]> {
    try {
      const names: string[] = [];
      for await (const entry of await opendir(dir)) names.push(entry.name);
      return names.sort();
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  }
}
