import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Checkpoint, signCheckpoint } from './audit-checkpoint';
import { eventLeafHash } from './audit-hash';
import { beginLogSnapshot, chainedEventsAfter } from './audit-log-reader';
import { AuditSigningKey } from './audit-signing-key';
import { AuditWitness } from './audit-witness';
import { MerkleFrontier } from './merkle';

/** The sealer's session-level advisory lock: whoever holds it is the one sealer. */
export const AUDIT_SEALER_LOCK = 0x5a17_a0d2;
/** Leaves per round: a backlog (the migrated chain, an outage) is sealed in steps this size. */
const SEAL_BATCH = 5000;
const LOAD_BATCH = 100_000;

/** Where the log stands: the tree so far and the last leaf's place in commit order. */
interface SealState {
  frontier: MerkleFrontier;
  /** Still sealing chained (pre-log) events, in seq order. */
  chained: boolean;
  lastSeq: string;
  /** xid8 of the last sealed event, as text ('0' before the first). */
  lastXid: string;
}

class LogTampered extends Error {}

/**
 * The one sealer (docs/audit.md). It runs in worker processes; among them, the holder of a
 * session-level advisory lock on its own connection seals, and the others wait to take over if
 * that connection drops. Every round, in one repeatable-read transaction, it takes committed
 * events in commit-safe order — only those written by transactions older than the oldest one of
 * this database still running (horizon()), so no event can later commit in front of them —
 * orders them by (xid, seq), appends them to the Merkle tree and inserts a signed checkpoint.
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AuditSealer.name);
  private client?: Client;
  private leader = false;
  private state?: SealState;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly key: AuditSigningKey,
    private readonly witness: AuditWitness,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.disconnect();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let pause = this.config.audit.sealEveryMs;
      try {
        if (await this.round()) pause = 0;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof LogTampered) this.logger.error(`Not sealing: ${message}`);
        else this.logger.warn(`Sealing round failed, retrying: ${message}`);
        this.state = undefined;
        if (!(error instanceof LogTampered)) await this.disconnect();
        pause = 1000;
      }
      if (pause > 0 && this.running) await this.sleep(pause);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async connection(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'salt-reader audit sealer',
      connectionTimeoutMillis: this.config.database.connectTimeoutMs,
    });
    client.on('error', () => {
      // A broken connection also ends the lock; the next round reconnects and competes again.
      if (this.client === client) {
        this.client = undefined;
        this.leader = false;
      }
    });
    await client.connect();
    this.client = client;
    this.leader = false;
    return client;
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.leader = false;
    await client?.end().catch(() => undefined);
  }

  /** One round; true when it sealed a full batch, so that more may be waiting. */
  private async round(): Promise<boolean> {
    const client = await this.connection();
    if (!this.leader) {
      const { rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [AUDIT_SEALER_LOCK],
      );
      if (!rows[0].locked) return false;
      this.leader = true;
      this.state = undefined;
      this.logger.log('This process is now the audit log sealer');
    }
    // The horizon is read before the sealing snapshot is taken, never inside it: see horizon().
    const { horizon, pending } = await this.horizon(client, this.state);
    if (!pending) return false;
    await beginLogSnapshot(client, false);
    let checkpoint: Checkpoint | undefined;
    let sealed = 0;
    try {
      const state = await this.loadState(client);
      const next = await this.nextEvents(client, state, horizon);
      if (next.leaves.length > 0) {
        const frontier = state.frontier.clone();
        for (const leaf of next.leaves) frontier.append(leaf.hash);
        const first = state.frontier.size;
        checkpoint = signCheckpoint(this.key.privateKey, {
          treeSize: frontier.size,
          rootHash: frontier.root().toString('hex'),
          signedAt: new Date().toISOString(),
        });
        // Leaves and their checkpoint in one statement (one round trip less per round).
        await client.query(
          `WITH leaves AS (
             INSERT INTO audit_leaves (leaf_index, seq, leaf_hash)
             SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[]))
           INSERT INTO audit_checkpoints (tree_size, root_hash, signed_at, key_id, signature)
           VALUES ($4, $5, $6, $7, $8)`,
          [
            next.leaves.map((_, i) => first + i),
            next.leaves.map((leaf) => leaf.seq),
            next.leaves.map((leaf) => leaf.hash),
            checkpoint.treeSize,
            Buffer.from(checkpoint.rootHash, 'hex'),
            checkpoint.signedAt,
            checkpoint.keyId,
            Buffer.from(checkpoint.signature, 'base64'),
          ],
        );
        await client.query('COMMIT');
        const last = next.leaves[next.leaves.length - 1];
        this.state = { frontier, chained: next.chained, lastSeq: last.seq, lastXid: last.xid };
        sealed = next.leaves.length;
      } else {
        await client.query('COMMIT');
        this.state = { ...state, chained: next.chained };
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    if (checkpoint) this.witness.publish(checkpoint);
    return sealed >= SEAL_BATCH;
  }

  /**
   * The sealing horizon: an xid8 such that every transaction **of this database** with a smaller
   * xid has ended, so that a snapshot taken afterwards sees all of their events. And, as a cheap
   * hint for an idle round, whether any committed event below it waits to be sealed (always true
   * while this process does not know where the log stands, or the log no longer ends where this
   * process left it: then only a full round finds out what to do).
   *
   * `pg_snapshot_xmin` alone would do, but it is the oldest transaction of the whole cluster:
   * one long transaction in any other database (a report, a migration, another application)
   * would hold back sealing here for as long as it runs. So the horizon is the oldest xid among
   * those still running in this statement's snapshot that belong to a backend (or prepared
   * transaction) of this database, else the snapshot's xmax. That is safe because the snapshot is
   * taken when the statement starts and pg_stat_activity is read after it: an xid of this
   * database below the horizon was either already finished at the snapshot, or running then and
   * finished before its backend was read (else it would be the horizon). Either way it ended
   * before the sealing snapshot, which must therefore be taken by a later statement — never in
   * the same one, where a transaction ending between the two reads would be passed over unseen,
   * and its events never sealed. Rows of pg_stat_activity name their database and xid for any
   * role; a backend without a database (datid null) is counted as this database's, to be safe.
   */
  private async horizon(
    client: Client,
    state: SealState | undefined,
  ): Promise<{ horizon: string; pending: boolean }> {
    const known = state !== undefined && !state.chained;
    const { rows } = await client.query<{ horizon: string; pending: boolean | null }>(
      `WITH snapshot AS MATERIALIZED (SELECT pg_current_snapshot() AS s),
            here AS MATERIALIZED (
              SELECT backend_xid AS x FROM pg_stat_activity
               WHERE backend_xid IS NOT NULL
                 AND (datid IS NULL
                      OR datid = (SELECT oid FROM pg_database WHERE datname = current_database()))
              UNION ALL
              SELECT transaction FROM pg_prepared_xacts WHERE database = current_database()),
            horizon AS MATERIALIZED (
              SELECT coalesce(
                       (SELECT min(x8) FROM snapshot, pg_snapshot_xip(snapshot.s) x8
                         WHERE xid(x8) IN (SELECT x FROM here)),
                       (SELECT pg_snapshot_xmax(s) FROM snapshot)) AS h)
       SELECT h::text AS horizon,
              CASE WHEN $1 AND (SELECT coalesce(max(tree_size), 0) FROM audit_checkpoints) = $4
                   THEN EXISTS (SELECT 1 FROM audit_events
                                 WHERE xid < h AND (xid, seq) > ($2::xid8, $3::bigint)) END
                AS pending
         FROM horizon`,
      [
        known,
        known ? state.lastXid : '0',
        known ? state.lastSeq : '0',
        known ? state.frontier.size : 0,
      ],
    );
    return { horizon: rows[0].horizon, pending: rows[0].pending ?? true };
  }

  /**
   * The tree as the latest checkpoint signed it. Kept in memory between rounds; rebuilt from the
   * stored leaves when this process becomes the sealer or the log moved under it, and checked
   * against the signed root before anything is added to it.
   */
  private async loadState(client: Client): Promise<SealState> {
    const { rows } = await client.query<{ tree_size: string; root_hash: Buffer }>(
      'SELECT tree_size, root_hash FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1',
    );
    const size = rows.length ? Number(rows[0].tree_size) : 0;
    if (this.state && this.state.frontier.size === size) return this.state;
    const frontier = new MerkleFrontier();
    // In batches: a million leaves at once would be a needless spike of memory.
    for (let from = 0; from < size; from += LOAD_BATCH) {
      const { rows: leaves } = await client.query<[Buffer]>({
        text: `SELECT leaf_hash FROM audit_leaves
                WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
        values: [from, Math.min(size, from + LOAD_BATCH)],
        rowMode: 'array',
      });
      for (const [leafHash] of leaves) frontier.append(leafHash);
    }
    if (frontier.size !== size || (size > 0 && !frontier.root().equals(rows[0].root_hash))) {
      throw new LogTampered(
        `the stored leaves do not give the root of the latest checkpoint (size ${size}); ` +
          'run GET /api/v1/audit/verify',
      );
    }
    const { rows: beyond } = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM audit_leaves WHERE leaf_index >= $1',
      [size],
    );
    if (Number(beyond[0].n) > 0) {
      throw new LogTampered(`there are leaves beyond the latest checkpoint (size ${size})`);
    }
    if (size === 0) return { frontier, chained: true, lastSeq: '0', lastXid: '0' };
    const { rows: last } = await client.query<{ seq: string; xid: string | null }>(
      `SELECT e.seq, e.xid::text AS xid FROM audit_leaves l JOIN audit_events e ON e.seq = l.seq
        WHERE l.leaf_index = $1`,
      [size - 1],
    );
    if (!last.length) throw new LogTampered(`the event of leaf ${size - 1} is missing`);
    const { seq, xid } = last[0];
    return { frontier, chained: xid === null, lastSeq: seq, lastXid: xid ?? '0' };
  }

  /** The next events to seal, in order, with their leaf hashes. */
  private async nextEvents(
    client: Client,
    state: SealState,
    horizon: string,
  ): Promise<{ chained: boolean; leaves: { seq: string; xid: string; hash: Buffer }[] }> {
    if (state.chained) {
      // Chained events come first, in seq order; their leaf hash is computed here once.
      const events = await chainedEventsAfter(client, Number(state.lastSeq), SEAL_BATCH);
      if (events.length > 0) {
        return {
          chained: true,
          leaves: events.map((e) => ({ seq: e.seq, xid: '0', hash: eventLeafHash(e) })),
        };
      }
    }
    // Every transaction of this database with an xid below the horizon had ended before this
    // snapshot was taken: the events they committed are all visible in it, and no other event
    // with a smaller xid can ever appear (horizon()).
    const { rows } = await client.query<{ seq: string; xid: string; hash: string }>(
      `SELECT seq, xid::text AS xid, hash FROM audit_events
        WHERE xid < $4::xid8
          AND (xid, seq) > ($1::xid8, $2::bigint)
        ORDER BY xid, seq LIMIT $3`,
      [state.chained ? '0' : state.lastXid, state.chained ? 0 : state.lastSeq, SEAL_BATCH, horizon],
    );
    return {
      chained: false,
      leaves: rows.map((row) => ({
        seq: row.seq,
        xid: row.xid,
        hash: Buffer.from(row.hash, 'hex'),
      })),
    };
  }
}
