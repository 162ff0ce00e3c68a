/** Largest image file accepted, per view, in uploads and in imports. */
export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;
/** Largest decoded image: guards the worker against decompression bombs. */
export const MAX_IMAGE_PIXELS = 40_000_000;
/** Display rendition width: enough for a full-screen reading view. */
export const DISPLAY_WIDTH = 1600;
/** Thumbnail bounding box. */
export const THUMB_SIZE = 320;

/** Largest ZIP archive accepted for a bulk import (it is held in memory while stored). */
export const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;
/** Most entries an import archive may hold. */
export const MAX_ARCHIVE_ENTRIES = 4000;
/** Most bytes an import archive may expand to. */
export const MAX_ARCHIVE_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024;
/** An entry expanding more than this many times its compressed size is treated as a ZIP bomb. */
export const MAX_COMPRESSION_RATIO = 100;
/** Small entries (a manifest of repeated rows) may compress well without being a bomb. */
export const COMPRESSION_RATIO_MIN_BYTES = 1024 * 1024;
