/**
 * Every database column that holds storage keys, in one place. The orphan sweeper deletes an
 * object only when none of these columns refers to it, so a table that starts storing keys (an
 * image version, an attachment) must be listed here.
 *
 * A forgotten column cannot silently cost data: before each sweep, StorageReferencesRepository
 * compares this list with the live schema, and any text column named `…_key` or `…_keys` that is
 * in neither list below stops the sweep (the job fails and says which column). A listed column
 * the schema does not have (yet: new code before its migration) holds no keys and is skipped.
 */
export interface StorageKeyColumn {
  table: string;
  column: string;
  /** text[] rather than text. */
  array?: true;
}

export const STORAGE_KEY_COLUMNS: readonly StorageKeyColumn[] = [
  { table: 'photo_images', column: 'original_key' },
  { table: 'photo_images', column: 'full_key' },
  { table: 'photo_images', column: 'display_key' },
  { table: 'photo_images', column: 'thumb_key' },
  // Earlier versions of a view, kept after a replacement (image queries): auditors still see them.
  { table: 'photo_image_versions', column: 'original_key' },
  { table: 'photo_image_versions', column: 'full_key' },
  { table: 'photo_image_versions', column: 'display_key' },
  { table: 'photo_image_versions', column: 'thumb_key' },
  // Files an unfinished ingest or import attempt wrote or is about to write: the attempt itself
  // (or the next one) removes them, never the sweeper.
  { table: 'photo_sets', column: 'staged_keys', array: true },
  { table: 'imports', column: 'archive_key' },
  { table: 'imports', column: 'staged_keys', array: true },
];

/** Text columns whose names end in `_key` but hold no storage key (`table.column`). */
export const NOT_STORAGE_KEY_COLUMNS: readonly string[] = ['reads.idempotency_key'];
