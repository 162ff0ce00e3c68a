import { ClientBase, CustomTypesConfig, Query, QueryArrayConfig, types as pgTypes } from 'pg';
import { ChainLink, ChainReader } from './audit-verify';

// Plain pg, no Nest: the verify worker threads (audit-verify.worker.ts) use this too.

// Columns for verification, in ChainLink order. occurred_at comes as Postgres prints it (in UTC,
// see pgChainReader) and becomes ISO in JS: cheaper for the server than to_char. A stored time
// with sub-millisecond digits was never written by append, and keeps them so its hash fails.
const CHAIN_SQL = `SELECT seq, occurred_at, actor_id, actor_name, actor_role, action, entity_type,
    entity_id, study_id, before, after, reason, request_id, ip, user_agent, prev_hash, hash
  FROM audit_events WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`;

const TIMESTAMPTZ_OID = 1184;
/** Generous: one batch of a chain walk, not a request's single statement. */
const BATCH_READ_TIMEOUT_MS = 10 * 60_000;
const keepText = (text: string): string => text;
const CHAIN_TYPES: CustomTypesConfig = {
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

type ChainRow = [
  string,
  string,
  string | null,
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  unknown,
  unknown,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string,
];

function toChainLink(r: ChainRow): ChainLink {
  return {
    seq: r[0],
    occurredAt: isoFromPgUtc(r[1]),
    actorId: r[2],
    actorName: r[3],
    actorRole: r[4],
    action: r[5],
    entityType: r[6],
    entityId: r[7],
    studyId: r[8],
    before: r[9],
    after: r[10],
    reason: r[11],
    requestId: r[12],
    ip: r[13],
    userAgent: r[14],
    prevHash: r[15],
    hash: r[16],
  };
}

/**
 * A reader for the verifier on one connection. Rows stream from pg one at a time in array mode
 * and are handed on as they are parsed, never collected: over a million events the walk is
 * dominated by per-row costs, garbage collection among them. `release` ends the snapshot; the
 * caller still owns (and releases or ends) the connection.
 */
export async function pgChainReader(
  client: ClientBase,
): Promise<ChainReader & { release: () => Promise<void> }> {
  // One read-only snapshot for the whole walk, printing times in UTC for isoFromPgUtc.
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET LOCAL TIME ZONE 'UTC'`);
  await client.query(`SET LOCAL DateStyle = 'ISO, YMD'`);
  // A walk streams up to VERIFY_BATCH_SIZE rows per statement: it may run longer than the app's
  // request statement timeout (data-source-options.ts), and is bounded by its batches instead.
  await client.query('SET LOCAL statement_timeout = 0');
  return {
    each: (fromSeq, toSeq, limit, onLink) =>
      new Promise<number>((resolve, reject) => {
        let count = 0;
        const config: QueryArrayConfig = {
          text: CHAIN_SQL,
          values: [fromSeq, toSeq, limit],
          rowMode: 'array',
          types: CHAIN_TYPES,
        };
        const query = new Query<ChainRow>(config);
        // pg reads a submitted query's own read timeout before the pool's (a long batch must
        // not be cut off by the request default); 0 would mean "use the default".
        Object.assign(query, { query_timeout: BATCH_READ_TIMEOUT_MS });
        query.on('row', (row: ChainRow) => {
          count++;
          onLink(toChainLink(row));
        });
        query.on('error', reject);
        query.on('end', () => resolve(count));
        void client.query(query);
      }),
    hashAt: async (seq) => {
      const result = await client.query<{ hash: string }>(
        'SELECT hash FROM audit_events WHERE seq = $1',
        [seq],
      );
      return result.rows[0]?.hash ?? null;
    },
    release: async () => {
      await client.query('ROLLBACK').catch(() => undefined);
    },
  };
}
