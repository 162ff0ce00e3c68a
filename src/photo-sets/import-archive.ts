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

  let declaredTotal = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const name = yauzl.getFileNameLowLevel(
            entry.generalPurposeBitFlag,
            entry.fileName as unknown as Buffer,
            entry.extraFields,
            false,
          );
          const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
          const unsafe = unsafePathReason(name);
          declaredTotal += entry.uncompressedSize;
          if (unsafe) refuse(`${name}: the path ${unsafe}`);
          else if (mode === S_IFLNK) refuse(`${name}: symbolic links are not allowed`);
          else if (entry.generalPurposeBitFlag & 0x1) {
            refuse(`${name}: encrypted entries are not allowed`);
          } else if (name.endsWith('/') || isOsJunk(name)) {
            // Directories and OS clutter carry no data we use.
          } else if (files.has(name)) refuse(`${name}: appears twice in the archive`);
          else if (entry.uncompressedSize > MAX_IMAGE_BYTES) {
            refuse(
              `${name}: the file is larger than the ${MAX_IMAGE_BYTES / 1024 / 1024} MB limit`,
            );
          } else if (
            entry.uncompressedSize > COMPRESSION_RATIO_MIN_BYTES &&
            entry.uncompressedSize > MAX_COMPRESSION_RATIO * Math.max(entry.compressedSize, 1)
          ) {
            refuse(
              `${name}: expands ${Math.round(entry.uncompressedSize / Math.max(entry.compressedSize, 1))} times; refused as a possible ZIP bomb`,
            );
          } else if (declaredTotal > MAX_ARCHIVE_UNCOMPRESSED_BYTES) {
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
  } catch (error) {
    refuse(`the archive is damaged (${(error as Error).message})`);
  }
  return { files, problems };
}
