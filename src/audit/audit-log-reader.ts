import { ClientBase, CustomTypesConfig, Query, QueryArrayConfig, types as pgTypes } from 'pg';
import { HashedEvent } from './audit-hash';

// Plain pg, no Nest: the sealer's dedicated connection and the verify worker threads use this.

/** An event as stored: the hashed fields, the old chain's links, and the writer's transaction. */
export interface StoredEvent extends HashedEvent {
  prevHash: string | null;
  hash: string;
  /** xid8 as a decimal string; null for events recorded before the log (chained events). */
  xid: string | null;
}

/** One leaf of the log with the event it names (null when that event is gone). */
export interface LeafRow {
  leafIndex: number;
  /** hex */
  leafHash: string;
  seq: string;
  event: StoredEvent | null;
}

// After the event's seq, which a leaf row takes from the leaf (the same value: the join's key).
const EVENT_COLUMNS_AFTER_SEQ = `e.occurred_at, e.actor_id, e.actor_name, e.actor_role, e.action,
  e.entity_type, e.entity_id, e.study_id, e.before, e.after, e.reason, e.request_id, e.ip,
  e.user_agent, e.prev_hash, e.hash, e.xid::text`;

// Each leaf's event by its primary key, in leaf order. As a plain join the planner prefers to
// hash the batch's leaves and scan the whole events table for every batch (measured 20 µs per
// leaf on a million); the lateral subquery (OFFSET 0 keeps it from being flattened back into a
// join) makes it one index probe per leaf, streamed in order without a sort (about 2 µs).
const LEAVES_SQL = `SELECT l.leaf_index, encode(l.leaf_hash, 'hex'), l.seq, ${EVENT_COLUMNS_AFTER_SEQ}
  FROM audit_leaves l
  LEFT JOIN LATERAL (SELECT * FROM audit_events e WHERE e.seq = l.seq OFFSET 0) e ON true
  WHERE l.leaf_index >= $1 AND l.leaf_index < $2 ORDER BY l.leaf_index LIMIT $3`;

const CHAINED_SQL = `SELECT e.seq, ${EVENT_COLUMNS_AFTER_SEQ} FROM audit_events e
  WHERE e.xid IS NULL AND e.seq > $1 ORDER BY e.seq LIMIT $2`;

const TIMESTAMPTZ_OID = 1184;
const BATCH_READ_TIMEOUT_MS = 10 * 60_000;
const keepText = (text: string): string => text;
// occurred_at comes as Postgres prints it (UTC, see beginLogSnapshot) and becomes ISO in JS:
// cheaper for the server than to_char. A stored time with sub-millisecond digits was never
// written by audit_record, and keeps them, so its hash fails.
const LOG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number) =>
    oid === TIMESTAMPTZ_OID
      ? keepText
      : (pgTypes.getTypeParser(oid, 'text') as (
          text: string,
        ) => unknown)) as CustomTypesConfig['getTypeParser'],
};

/** "2026-01-01 00:00:00.03+00" (ISO DateStyle, UTC) → "2026-01-01T00:00:00.030Z". */
export function isoFromPgUtc(text: string): string {
  if (!text.endsWith('+00') || text.length < 22) return text;
  const fraction = text.length > 22 ? text.slice(20, -3) : '';
  const digits = fraction.length >= 3 ? fraction : (fraction + '000').slice(0, 3);
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${digits}Z`;
}

/** The event whose seq is at `at` and columns follow; null when it is gone (no occurred_at). */
function toEvent(cells: unknown[], at: number): StoredEvent | null {
  // Read by position (no slice per row): the verifier calls this a million times.
  const c = cells as (string | null)[];
  if (c[at + 1] === null) return null;
  return {
    seq: c[at] as string,
    occurredAt: isoFromPgUtc(c[at + 1] as string),
    actorId: c[at + 2],
    actorName: c[at + 3] as string,
    actorRole: c[at + 4] as string,
    action: c[at + 5] as string,
    entityType: c[at + 6] as string,
    entityId: c[at + 7],
    studyId: c[at + 8],
    before: cells[at + 9],
    after: cells[at + 10],
    reason: c[at + 11],
    requestId: c[at + 12],
    ip: c[at + 13],
    userAgent: c[at + 14],
    prevHash: c[at + 15],
    hash: c[at + 16] as string,
    xid: c[at + 17],
  };
}

/**
 * One repeatable-read snapshot, printing times in UTC for isoFromPgUtc, with no statement timeout
 * (a batch of a long walk may outlast a request's). `snapshot` (pg_export_snapshot) shares
 * another connection's, so that parallel readers see one state. The caller commits or rolls back.
 */
export async function beginLogSnapshot(
  client: ClientBase,
  readOnly: boolean,
  snapshot?: string,
): Promise<void> {
  // One round trip (the sealer does this several times a second).
  await client.query(
    `BEGIN ISOLATION LEVEL REPEATABLE READ${readOnly ? ' READ ONLY' : ''};` +
      (snapshot === undefined
        ? ''
        : `SET TRANSACTION SNAPSHOT ${client.escapeLiteral(snapshot)};`) +
      `SET LOCAL TIME ZONE 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL statement_timeout = 0`,
  );
}

function stream<R>(
  client: ClientBase,
  text: string,
  values: unknown[],
  toRow: (cells: unknown[]) => R,
  onRow: (row: R) => void,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let count = 0;
    const config: QueryArrayConfig = { text, values, rowMode: 'array', types: LOG_TYPES };
    const query = new Query<unknown[]>(config);
    Object.assign(query, { query_timeout: BATCH_READ_TIMEOUT_MS });
    query.on('row', (cells: unknown[]) => {
      count++;
      onRow(toRow(cells));
    });
    query.on('error', reject);
    query.on('end', () => resolve(count));
    void client.query(query);
  });
}

/**
 * Streams leaves from ≤ leaf_index < to, at most `limit`, with their events, to `onRow` one at a
 * time as pg parses them: nothing is collected, so memory stays flat over a million leaves.
 */
export function eachLeaf(
  client: ClientBase,
  from: number,
  to: number,
  limit: number,
  onRow: (row: LeafRow) => void,
): Promise<number> {
  return stream(
    client,
    LEAVES_SQL,
    [from, to, limit],
    (cells) => ({
      leafIndex: Number(cells[0]),
      leafHash: cells[1] as string,
      seq: String(cells[2]),
      event: toEvent(cells, 2),
    }),
    onRow,
  );
}

/** Chained (pre-log) events after `afterSeq`, in seq order: the log's first leaves. */
export async function chainedEventsAfter(
  client: ClientBase,
  afterSeq: number,
  limit: number,
): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  await stream(
    client,
    CHAINED_SQL,
    [afterSeq, limit],
    (cells) => toEvent(cells, 0),
    (event) => {
      if (event) events.push(event);
    },
  );
  return events;
}
