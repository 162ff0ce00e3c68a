import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { ImportProblem } from './import.entity';
import {
  COMPRESSION_RATIO_MIN_BYTES,
  MAX_ARCHIVE_ENTRIES,
  MAX_ARCHIVE_UNCOMPRESSED_BYTES,
  MAX_COMPRESSION_RATIO,
  MAX_IMAGE_BYTES,
} from './photo-limits';

export interface ArchiveContents {
  /** File entries by their path inside the archive (directories left out). */
  files: Map<string, Buffer>;
  /** Problems with the archive itself, all reported as row 0. */
  problems: ImportProblem[];
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Files operating systems add to archives; nobody means to import them. */
function isOsJunk(name: string): boolean {
  return name.startsWith('__MACOSX/') || /(^|\/)\.DS_Store$/.test(name);
}

/** Why a path inside an archive is refused, or null when it is a plain relative path. */
export function unsafePathReason(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL character';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'climbs out of the archive (..)';
  return null;
}

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: true },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    ),
  );
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    zip.openReadStream(entry, (error: Error | null, stream: Readable) => {
      if (error) return reject(error);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Declared sizes are checked by yauzl too; this guards memory whatever the header says.
        if (size > limit) stream.destroy(new Error('entry is larger than declared'));
        else chunks.push(chunk);
      });
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    }),
  );
}

/**
 * Reads an import archive defensively: paths must stay inside it, no symlinks, no encryption,
 * bounded entry count and total size, and no entry that expands suspiciously (a ZIP bomb).
 * Nothing is written to disk; any problem is reported, never thrown.
 */
export async function readImportArchive(buffer: Buffer): Promise<ArchiveContents> {
  const files = new Map<string, Buffer>();
  const problems: ImportProblem[] = [];
  const refuse = (reason: string): void => {
    problems.push({ row: 0, reason });
  };
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buffer);
  } catch (error) {
    refuse(`the upload is not a readable ZIP archive (${(error as Error).message})`);
    return { files, problems };
  }
  if (zip.entryCount > MAX_ARCHIVE_ENTRIES) {
    zip.close();
    refuse(
      `the archive holds ${zip.entryCount} entries; at most ${MAX_ARCHIVE_ENTRIES} are allowed`,
    );
    return { files, problems };
  }
  try {
    await readEntries(zip, files, refuse);
  } catch (error) {
    refuse(`the archive is damaged (${(error as Error).message})`);
  }
  return { files, problems };
}

/** Reads the entries one at a time, stopping early once the declared sizes pass the limit. */
function readEntries(
  zip: yauzl.ZipFile,
  files: Map<string, Buffer>,
  refuse: (reason: string) => void,
): Promise<void> {
  let declaredTotal = 0;
  return new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      void (async () => {
        const name = entryName(entry);
        declaredTotal += entry.uncompressedSize;
        const verdict = judgeEntry(name, entry, files);
        if (verdict === 'skip') {
          // Directories and OS clutter carry no data we use.
        } else if (verdict !== 'read') refuse(verdict.refused);
        else if (declaredTotal > MAX_ARCHIVE_UNCOMPRESSED_BYTES) {
          refuse(
            `the archive expands to more than ${MAX_ARCHIVE_UNCOMPRESSED_BYTES / 1024 / 1024} MB`,
          );
          zip.close();
          resolve();
          return;
        } else {
          files.set(name, await readEntry(zip, entry, entry.uncompressedSize));
        }
        zip.readEntry();
      })().catch(reject);
    });
    zip.readEntry();
  });
}

/** The entry's path, decoded as its header flags say (UTF-8 or CP437). */
function entryName(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileName as unknown as Buffer,
    entry.extraFields,
    false,
  );
}

/** Whether an entry is read, skipped, or refused (and why), from its header alone. */
function judgeEntry(
  name: string,
  entry: yauzl.Entry,
  files: Map<string, Buffer>,
): 'read' | 'skip' | { refused: string } {
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  const unsafe = unsafePathReason(name);
  const expands = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
  if (unsafe) return { refused: `${name}: the path ${unsafe}` };
  if (mode === S_IFLNK) return { refused: `${name}: symbolic links are not allowed` };
  if (entry.generalPurposeBitFlag & 0x1) {
    return { refused: `${name}: encrypted entries are not allowed` };
  }
  if (name.endsWith('/') || isOsJunk(name)) return 'skip';
  if (files.has(name)) return { refused: `${name}: appears twice in the archive` };
  if (entry.uncompressedSize > MAX_IMAGE_BYTES) {
    return {
      refused: `${name}: the file is larger than the ${MAX_IMAGE_BYTES / 1024 / 1024} MB limit`,
    };
  }
  if (
    entry.uncompressedSize > COMPRESSION_RATIO_MIN_BYTES &&
    entry.uncompressedSize > MAX_COMPRESSION_RATIO * Math.max(entry.compressedSize, 1)
  ) {
    return {
      refused: `${name}: expands ${Math.round(expands)} times; refused as a possible ZIP bomb`,
    };
  }
  return 'read';
}
