import { PoolClient } from 'pg';
import {
  DataSource,
  EntityManager,
  getMetadataArgsStorage,
  ReplicationMode,
  ValueTransformer,
} from 'typeorm';
import { discardStalledClient, isReadTimeout } from './stalled-connection.subscriber';

/**
 * The one typed way to read rows from SQL.
 *
 * A query names its row shape: an object of columns, each knowing its name in the result and how
 * to parse the value pg hands back. `rows` checks every column is present and parses it, so call
 * sites get typed rows with numbers already numbers: pg returns NUMERIC and INT8 (every
 * `count(*)`) as strings, to keep precision we do not need, and that is handled here, once.
 *
 * Entities are the row types of their tables: `entityColumns(ReadEntity)` derives the shape from
 * the entity's TypeORM columns (names and transformers), and `selectList` writes the matching
 * `t.col, …` list for SELECT and RETURNING, so no alias list is kept by hand. Ad-hoc rows
 * (joins, aggregates) declare a shape with `column.*`; a key's result column is its snake_case
 * (`openTasks` reads `open_tasks`), so SQL keeps Postgres' naming.
 */

/** How one result column is read. */
export interface Column<T> {
  /** The column's name in the result; defaults to the snake_case of the shape's key. */
  readonly name?: string;
  readonly parse: (value: unknown) => T;
}

export type RowShape = Record<string, Column<unknown>>;

/** The typed row a shape reads. */
export type Row<S extends RowShape> = { [K in keyof S]: S[K] extends Column<infer T> ? T : never };

const toNumber = (value: unknown): number => Number(value);
const toNumberOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/**
 * For entity columns of type numeric: pg returns NUMERIC as a string. Scores are numeric(4,1),
 * exact in a double, so they are read back as numbers.
 */
export const decimalColumn: ValueTransformer = {
  to: (value: number | null): number | null => value,
  from: toNumberOrNull,
};

function passThrough<T>(): Column<T> {
  // pg already parses these types (text, uuid, int2/int4, float8, bool, timestamptz, jsonb,
  // arrays); the type parameter records what the SQL selects.
  return { parse: (value) => value as T };
}

export const column = {
  /** text, uuid, or a text column holding one of a union's values. */
  text: <T extends string = string>(): Column<T> => passThrough<T>(),
  textOrNull: <T extends string = string>(): Column<T | null> => passThrough<T | null>(),
  /** int2, int4 and float8 arrive as numbers. */
  int: <T extends number = number>(): Column<T> => passThrough<T>(),
  /** int8, as every count(*) is; our counts stay far below 2^53. */
  count: (): Column<number> => ({ parse: toNumber }),
  countOrNull: (): Column<number | null> => ({ parse: toNumberOrNull }),
  numeric: (): Column<number> => ({ parse: toNumber }),
  numericOrNull: (): Column<number | null> => ({ parse: toNumberOrNull }),
  bool: (): Column<boolean> => passThrough<boolean>(),
  timestamp: (): Column<Date> => passThrough<Date>(),
  timestampOrNull: (): Column<Date | null> => passThrough<Date | null>(),
  /** jsonb, and arrays (text[], uuid[]), which pg parses. */
  json: <T>(): Column<T> => passThrough<T>(),
};

type EntityShape<E> = { [K in keyof E]-?: Column<E[K]> };
const entityShapes = new Map<object, RowShape>();

/** The row shape of an entity's table: its TypeORM columns, parsed by their transformers. */
export function entityColumns<E>(entity: new () => E): EntityShape<E> {
  let shape = entityShapes.get(entity);
  if (!shape) {
    shape = {};
    for (const args of getMetadataArgsStorage().filterColumns(entity)) {
      const transformer = args.options.transformer;
      if (Array.isArray(transformer)) throw new Error('entityColumns: one transformer per column');
      shape[args.propertyName] = {
        name: args.options.name ?? args.propertyName,
        parse: transformer
          ? (value): unknown => transformer.from(value) as unknown
          : (value) => value,
      };
    }
    entityShapes.set(entity, shape);
  }
  return shape as EntityShape<E>;
}

function resultName(key: string, col: Column<unknown>): string {
  return col.name ?? key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** `t.id, t.photo_set_id, …`: the shape's columns, qualified by a table alias. */
export function selectList(shape: RowShape, alias: string): string {
  return Object.entries(shape)
    .map(([key, col]) => `${alias}.${resultName(key, col)}`)
    .join(', ');
}

type Db = EntityManager | DataSource;

/**
 * TypeORM's postgres driver answers UPDATE/DELETE … RETURNING with `[rows, affectedCount]` but
 * SELECT and INSERT with plain rows.
 */
async function rawRows(db: Db, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  const result: unknown = await db.query(sql, params);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as Record<string, unknown>[];
  }
  return result as Record<string, unknown>[];
}

function parseRow<S extends RowShape>(shape: S, raw: Record<string, unknown>): Row<S> {
  const row: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(shape)) {
    const name = resultName(key, col);
    // A misspelt or forgotten column fails loudly instead of reading as undefined.
    if (!(name in raw)) throw new Error(`query result has no column "${name}"`);
    row[key] = col.parse(raw[name]);
  }
  return row as Row<S>;
}

/** Runs SQL and returns its rows, parsed by the shape. */
export async function rows<S extends RowShape>(
  db: Db,
  shape: S,
  sql: string,
  params: unknown[] = [],
): Promise<Row<S>[]> {
  return (await rawRows(db, sql, params)).map((raw) => parseRow(shape, raw));
}

/** The first row, or null: lookups by key and conditional updates (`… RETURNING`). */
export async function firstRow<S extends RowShape>(
  db: Db,
  shape: S,
  sql: string,
  params: unknown[] = [],
): Promise<Row<S> | null> {
  const [raw] = await rawRows(db, sql, params);
  return raw ? parseRow(shape, raw) : null;
}

/** The one row a statement always returns: INSERT … RETURNING, an aggregate. */
export async function oneRow<S extends RowShape>(
  db: Db,
  shape: S,
  sql: string,
  params: unknown[] = [],
): Promise<Row<S>> {
  const row = await firstRow(db, shape, sql, params);
  if (!row) throw new Error('query returned no row');
  return row;
}

/** Runs SQL whose result is not read (locks, plain updates). */
export async function execute(db: Db, sql: string, params: unknown[] = []): Promise<void> {
  await db.query(sql, params);
}

/**
 * Runs a conditional change (`UPDATE … WHERE status = … RETURNING 1`) and says whether it
 * touched a row.
 */
export async function changed(db: Db, sql: string, params: unknown[] = []): Promise<boolean> {
  return (await rawRows(db, sql, params)).length > 0;
}

/**
 * The pooled pg connection under TypeORM, for the two readers that stream or fetch too many rows
 * for object rows: agreement's 100k pairs (compactRows) and the audit chain verifier. This is
 * the one place that reaches below TypeORM.
 */
export async function withPgClient<T>(
  dataSource: DataSource,
  work: (client: PoolClient) => Promise<T>,
  mode: ReplicationMode = 'master',
): Promise<T> {
  const runner = dataSource.createQueryRunner(mode);
  const client = (await runner.connect()) as PoolClient;
  try {
    return await work(client);
  } catch (error) {
    // Raw queries skip the TypeORM subscriber that discards a stalled connection: do it here.
    if (isReadTimeout(error)) discardStalledClient(client, error);
    throw error;
  } finally {
    await runner.release();
  }
}

/**
 * `rows` for large results: pg returns array rows (no per-row object from the driver, several
 * times cheaper at 100k rows), read by position in the shape's key order.
 */
export async function compactRows<S extends RowShape>(
  dataSource: DataSource,
  shape: S,
  sql: string,
  params: unknown[] = [],
): Promise<Row<S>[]> {
  const columns = Object.entries(shape);
  const result = await withPgClient(
    dataSource,
    (client) => client.query<unknown[]>({ text: sql, values: params, rowMode: 'array' }),
    'slave',
  );
  if (result.fields.length !== columns.length) {
    throw new Error(
      `query returned ${result.fields.length} columns, the shape has ${columns.length}`,
    );
  }
  return result.rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i][0]] = columns[i][1].parse(values[i]);
    return row as Row<S>;
  });
}
