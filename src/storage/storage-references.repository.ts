import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { column, rows } from '../database/typed-query';
import {
  NOT_STORAGE_KEY_COLUMNS,
  STORAGE_KEY_COLUMNS,
  StorageKeyColumn,
} from './storage-references';

const KEY = { key: column.text() };
const NAMED = { name: column.text() };

/** Identifiers come from the constant list, never from input; quoted all the same. */
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const nameOf = ({ table, column: name }: StorageKeyColumn): string => `${table}.${name}`;

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

  /** Text and text[] columns of the app's schema whose names end in `_key` or `_keys`. */
  async keyLikeColumns(): Promise<string[]> {
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
    return found.map((row) => row.name);
  }

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
}

/**
 * Why the sweep must not run against this schema, given its key-like columns: a column that may
 * hold keys but is not listed (its objects would look unreferenced), or a listed column that the
 * schema lacks (code and schema disagree, or the app's role cannot see the table). Empty: safe.
 */
export function sweepBlockers(keyLike: readonly string[]): string[] {
  const listed = STORAGE_KEY_COLUMNS.map(nameOf);
  return [
    ...keyLike
      .filter((name) => !listed.includes(name) && !NOT_STORAGE_KEY_COLUMNS.includes(name))
      .map((name) => `${name} may hold storage keys but is not listed`),
    ...listed
      .filter((name) => !keyLike.includes(name))
      .map((name) => `${name} is listed but not in the schema`),
  ];
}
