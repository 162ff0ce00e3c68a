import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, rows } from '../database/typed-query';
import { NOT_STORAGE_KEY_COLUMNS, STORAGE_KEY_COLUMNS } from './storage-references';

const KEY = { key: column.text() };
const NAMED = { name: column.text() };

/** Identifiers come from the constant list above, never from input; quoted all the same. */
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** One subquery over every key column: `SELECT original_key FROM photo_images UNION ALL …`. */
const REFERENCED_KEYS = STORAGE_KEY_COLUMNS.map(({ table, column: name, array }) =>
  array
    ? `SELECT unnest(${quote(name)}) FROM ${quote(table)} WHERE cardinality(${quote(name)}) > 0`
    : `SELECT ${quote(name)} FROM ${quote(table)} WHERE ${quote(name)} IS NOT NULL`,
).join('\n UNION ALL ');

/** Which stored objects rows still refer to, read from every table that holds keys. */
@Injectable()
export class StorageReferencesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The subset of `keys` that some row refers to, as of one snapshot (one statement). */
  async referenced(keys: readonly string[]): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const found = await rows(
      this.dataSource,
      KEY,
      `SELECT k.key FROM unnest($1::text[]) AS k(key)
        WHERE k.key IN (${REFERENCED_KEYS})`,
      [keys],
    );
    return new Set(found.map((row) => row.key));
  }

  /**
   * Text columns of the app's schema that look like key columns (`…_key`, `…_keys`) but are in
   * neither STORAGE_KEY_COLUMNS nor NOT_STORAGE_KEY_COLUMNS. Empty means the list is complete.
   */
  async unlistedKeyColumns(): Promise<string[]> {
    const known = [
      ...STORAGE_KEY_COLUMNS.map(({ table, column: name }) => `${table}.${name}`),
      ...NOT_STORAGE_KEY_COLUMNS,
    ];
    const found = await rows(
      this.dataSource,
      NAMED,
      `SELECT c.table_name || '.' || c.column_name AS name
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
          AND c.column_name ~ '_keys?$'
          AND (c.data_type IN ('text', 'character varying')
               OR c.udt_name IN ('_text', '_varchar'))
        ORDER BY 1`,
    );
    return found.map((row) => row.name).filter((name) => !known.includes(name));
  }
}
