import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { DISPLAY_WIDTH, MAX_IMAGE_PIXELS, THUMB_SIZE } from './photo-limits';

/** Formats a scalp photograph may arrive in. Vector and document formats are not photographs. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'tiff', 'heif', 'gif', 'jp2', 'jxl']);

export interface Rendition {
  bytes: Buffer;
  /** SHA-256 of the bytes, hex: a strong ETag. */
  sha256: string;
  width: number;
  height: number;
}

export type PreparedImage =
  | { ok: true; full: Rendition; display: Rendition; thumb: Rendition }
  | { ok: false; reason: string };

/** A few words on what the bytes look like, for a rejection reason a coordinator understands. */
export function describeBytes(bytes: Buffer): string {
  if (bytes.length === 0) return 'empty file';
  const head = bytes.subarray(0, 4096);
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'PDF document';
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    return 'ZIP archive';
  }
  const printable = head.filter(
    (byte) =>
      byte === 0x09 ||
      byte === 0x0a ||
      byte === 0x0d ||
      (byte >= 0x20 && byte < 0x7f) ||
      byte >= 0x80,
  ).length;
  if (!head.includes(0) && printable / head.length > 0.95) return 'text file';
  return 'unrecognised data';
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Checks that the bytes are an image we accept, judged from the bytes alone (never the file
 * name). Returns a reason when they are not.
 */
export async function inspectImage(bytes: Buffer): Promise<string | null> {
  if (bytes.length === 0) return 'the file is empty';
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return `not an image sharp can decode (${describeBytes(bytes)})`;
  }
  if (!metadata.format || !ACCEPTED_FORMATS.has(metadata.format)) {
    return `${metadata.format ?? 'this'} format is not accepted; use JPEG, PNG, TIFF or WebP`;
  }
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  if (pixels > MAX_IMAGE_PIXELS) {
    const megapixels = (pixels / 1e6).toFixed(1);
    return `image is ${megapixels} megapixels; the limit is ${MAX_IMAGE_PIXELS / 1e6}`;
  }
  return null;
}

async function encode(pipeline: sharp.Sharp, quality: number): Promise<Rendition> {
  // No withMetadata/keepExif/keepIccProfile: sharp then writes no EXIF, XMP, IPTC, ICC or
  // comment blocks, and mozjpeg-style defaults add none of their own.
  const { data, info } = await pipeline
    .jpeg({ quality, chromaSubsampling: '4:4:4' })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, sha256: sha256(data), width: info.width, height: info.height };
}

/**
 * JPEG segments that can carry metadata (APP1–APP15: EXIF, XMP, ICC, IPTC, maker data; COM:
 * comments), by marker name, found before the image data starts. APP0 (JFIF) holds only the
 * pixel density and is allowed.
 */
export function jpegMetadataSegments(bytes: Buffer): string[] {
  const found: string[] = [];
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return found;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) break;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image
    const length = bytes.readUInt16BE(offset + 2);
    if (marker >= 0xe1 && marker <= 0xef) found.push(`APP${marker - 0xe0}`);
    if (marker === 0xfe) found.push('COM');
    offset += 2 + length;
  }
  return found;
}

/** Throws if any metadata block survived: a blinding leak must fail loudly, never ship. */
export async function assertNoMetadata(bytes: Buffer): Promise<void> {
  const metadata = await sharp(bytes).metadata();
  const leaks = [
    metadata.exif && 'EXIF',
    metadata.xmp && 'XMP',
    metadata.iptc && 'IPTC',
    metadata.icc && 'ICC profile',
    metadata.tifftagPhotoshop && 'Photoshop tags',
    metadata.comments?.length && 'comments',
    ...jpegMetadataSegments(bytes),
  ].filter(Boolean);
  if (leaks.length) throw new Error(`re-encoded image still carries ${leaks.join(', ')}`);
}

/**
 * Turns an uploaded original into the three renditions raters see. Images are re-encoded rather
 * than copied because EXIF dates would reveal the timepoint and GPS or camera serials the site;
 * re-encoding from pixels is the only way to be sure nothing rides along.
 */
export async function prepareImage(bytes: Buffer): Promise<PreparedImage> {
  const problem = await inspectImage(bytes);
  if (problem) return { ok: false, reason: problem };
  let base: sharp.Sharp;
  let full: Rendition;
  try {
    // Upright per EXIF orientation, in sRGB, first page/frame only.
    base = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      // JPEG has no transparency: composite any alpha onto white rather than black.
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb');
    full = await encode(base.clone(), 92);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : 'unknown error';
    return { ok: false, reason: `the image could not be decoded (${detail})` };
  }
  const display = await encode(
    base.clone().resize({ width: DISPLAY_WIDTH, withoutEnlargement: true }),
    85,
  );
  const thumb = await encode(
    base.clone().resize({
      width: THUMB_SIZE,
      height: THUMB_SIZE,
      fit: 'inside',
      withoutEnlargement: true,
    }),
    75,
  );
  for (const rendition of [full, display, thumb]) await assertNoMetadata(rendition.bytes);
  return { ok: true, full, display, thumb };
}
