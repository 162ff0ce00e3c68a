import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Client, ClientBase } from 'pg';
import { Checkpoint } from './audit-checkpoint';
import { GENESIS_HASH } from './audit-hash';
import { beginLogSnapshot, eachLeaf } from './audit-log-reader';
import {
  CheckpointFinding,
  checkLeafSegment,
  combineLeafSegments,
  LEAF_BATCH,
  LeafFinding,
  LeafSegmentResult,
  LogOrigin,
  OutsideCheckpointResult,
  TreeCheck,
} from './audit-log-verify';

/** What GET and POST /audit/verify answer. */
export interface LogVerifyResult {
  ok: boolean;
  /** Leaves whose event was recomputed from its stored contents and found sound. */
  checked: number;
  /** Leaves in the log. */
  treeSize: number;
  /** Signed checkpoints checked against the rebuilt tree. */
  checkpoints: number;
  /** Root of the latest checkpoint, when everything is sound. */
  rootHash?: string;
  firstBrokenLeaf?: number;
  firstBrokenSeq?: number;
  reason?: string;
  /** Committed events the sealer has not reached yet (normally those of the last second). */
  unsealed: number;
  /** POST only: each checkpoint the auditor held outside, and whether the log still matches it. */
  outside?: OutsideCheckpointResult[];
}

export interface LogVerifyKey {
  publicKeyPem: string;
  keyId: string;
}

export interface TreeTaskResult {
  finding?: CheckpointFinding;
  outsideFinding?: CheckpointFinding;
  outsideResults: OutsideCheckpointResult[];
}

/**
 * One job of a verification, run in a worker thread or in this one: a segment of leaves, each
 * recomputed from its event and hashed into the segment's part of the tree (with its state at
 * `treeSizes`, the checkpoint sizes inside it); or, only when segments do not line up because
 * leaves are missing, the whole tree from the stored leaf hashes.
 */
export type VerifyTask =
  | { kind: 'leaves'; from: number; to: number; origin: LogOrigin; treeSizes: number[] }
  | {
      kind: 'tree';
      size: number;
      stored: Checkpoint[];
      outside: Checkpoint[];
      key: LogVerifyKey;
    };

export interface VerifyWorkerInput {
  databaseUrl: string;
  /** The snapshot every task reads in (pg_export_snapshot of the verify's own transaction). */
  snapshot: string;
  task: VerifyTask;
}

/**
 * Recomputing a leaf from its event is the expensive part (parsing rows, canonical JSON,
 * SHA-256), and each leaf needs only its neighbour: long logs are cut into contiguous segments
 * checked in worker threads, one connection each, all in one exported snapshot. Each also hashes
 * its stored leaf hashes into the perfect subtrees aligned on the whole tree (MerkleSegment), so
 * that this thread only combines a few dozen hashes per segment, and per checkpoint, to rebuild
 * the tree. Their answers combine into exactly what one walk would say.
 */
const MIN_LEAVES_PER_SEGMENT = 100_000;
const MAX_SEGMENTS = 4;
const WORKER_SCRIPT = join(__dirname, 'audit-log-verify.worker.js');

const connect = async (databaseUrl: string): Promise<Client> => {
  const client = new Client({
    connectionString: databaseUrl,
    application_name: 'salt-reader audit verify',
  });
  await client.connect();
  return client;
};

export async function runVerifyTask(
  client: ClientBase,
  task: VerifyTask,
  snapshot?: string,
): Promise<LeafSegmentResult | TreeTaskResult> {
  await beginLogSnapshot(client, true, snapshot);
  try {
    if (task.kind === 'leaves') {
      // One index probe per leaf (audit-log-reader.ts): compiling it (JIT) or splitting it over
      // parallel workers costs more than it saves, and the segments already run side by side.
      await client.query('SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0');
      return await checkLeafSegment(
        (from, to, limit, onRow) => eachLeaf(client, from, to, limit, onRow),
        task.from,
        task.to,
        task.origin,
        LEAF_BATCH,
        task.treeSizes,
      );
    }
    const tree = treeCheck(task.key, task.stored, task.outside);
    await streamLeafHashes(client, task.size, (hash) => tree.add(hash));
    return treeResult(tree);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

const treeCheck = (key: LogVerifyKey, stored: Checkpoint[], outside: Checkpoint[]): TreeCheck =>
  new TreeCheck(createPublicKey(key.publicKeyPem), key.keyId, stored, outside);

function treeResult(tree: TreeCheck): TreeTaskResult {
  tree.finish();
  return {
    finding: tree.finding,
    outsideFinding: tree.outsideFinding,
    outsideResults: tree.outsideResults,
  };
}

async function streamLeafHashes(
  client: ClientBase,
  size: number,
  onHash: (hash: Buffer) => void,
): Promise<void> {
  const batch = 200_000;
  for (let from = 0; from < size; from += batch) {
    const { rows } = await client.query<[Buffer]>({
      text: `SELECT leaf_hash FROM audit_leaves
              WHERE leaf_index >= $1 AND leaf_index < $2 ORDER BY leaf_index`,
      values: [from, Math.min(size, from + batch)],
      rowMode: 'array',
    });
    for (const row of rows) onHash(row[0]);
  }
}

function inWorker(databaseUrl: string, snapshot: string, task: VerifyTask): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const input: VerifyWorkerInput = { databaseUrl, snapshot, task };
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: input,
      // Every row is garbage once hashed: a nursery of 32 MB measured about 10% less CPU than 8 MB,
      // and 128 MB about a quarter less time in the collector again than 32 MB.
      resourceLimits: { maxYoungGenerationSizeMb: 128 },
    });
    worker.once('message', (result) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`audit verify worker exited with ${code}`)));
  });
}

async function inThread(databaseUrl: string, snapshot: string, task: VerifyTask): Promise<unknown> {
  const client = await connect(databaseUrl);
  try {
    return await runVerifyTask(client, task, snapshot);
  } finally {
    await client.end();
  }
}

export function segmentsFor(size: number): { from: number; to: number }[] {
  const count =
    size < 2 * MIN_LEAVES_PER_SEGMENT
      ? 1
      : Math.min(MAX_SEGMENTS, availableParallelism(), Math.floor(size / MIN_LEAVES_PER_SEGMENT));
  const step = Math.max(1, Math.ceil(size / count));
  const parts: { from: number; to: number }[] = [];
  for (let from = 0; from < size; from += step)
    parts.push({ from, to: Math.min(size, from + step) });
  return parts;
}

/**
 * Verifies the whole log: every leaf against its event, the old chain inside the first leaves,
 * commit order, every signed checkpoint against the rebuilt tree, no committed event missing
 * from the log behind the sealer, and each checkpoint held outside (`outside`).
 */
export async function verifyLog(
  databaseUrl: string,
  key: LogVerifyKey,
  outside: Checkpoint[] = [],
): Promise<LogVerifyResult> {
  const client = await connect(databaseUrl);
  try {
    await beginLogSnapshot(client, true);
    const origin = await logOrigin(client);
    const stored = await storedCheckpoints(client);
    const { rows: sizeRows } = await client.query<{ size: string }>(
      'SELECT coalesce(max(leaf_index) + 1, 0) AS size FROM audit_leaves',
    );
    const size = Number(sizeRows[0].size);
    const { rows: exported } = await client.query<{ snapshot: string }>(
      'SELECT pg_export_snapshot() AS snapshot',
    );
    const snapshot = exported[0].snapshot;
    const segments = segmentsFor(size);
    const parallel = segments.length > 1 && existsSync(WORKER_SCRIPT);
    const run = (task: VerifyTask) =>
      parallel ? inWorker(databaseUrl, snapshot, task) : inThread(databaseUrl, snapshot, task);
    const treeSizes = [...new Set([...stored, ...outside].map((cp) => cp.treeSize))].sort(
      (a, b) => a - b,
    );
    // The events behind the last leaf are counted here meanwhile, in the same snapshot.
    const [outsideTheTree, ...parts] = (await Promise.all([
      eventsOutsideTheTree(client, size),
      ...segments.map((s) => run({ kind: 'leaves', ...s, origin, treeSizes })),
    ])) as [Awaited<ReturnType<typeof eventsOutsideTheTree>>, ...LeafSegmentResult[]];
    const leaves = combineLeafSegments(parts, origin);
    let check: TreeCheck | undefined = treeCheck(key, stored, outside);
    for (const part of parts) {
      if (!check || !part.tree || !check.addSegment(part.tree)) check = undefined;
    }
    // Missing leaves: the segments do not line up, so the tree is rebuilt leaf by leaf.
    const tree = check
      ? treeResult(check)
      : ((await inThread(databaseUrl, snapshot, {
          kind: 'tree',
          size,
          stored,
          outside,
          key,
        })) as TreeTaskResult);
    const { behind, unsealed } = outsideTheTree;
    const findings: Array<LeafFinding & { until?: number }> = [];
    if (leaves.broken) findings.push(leaves.broken);
    if (behind) findings.push(behind);
    for (const cp of [tree.finding, tree.outsideFinding]) {
      if (cp) findings.push({ leaf: cp.fromLeaf, until: cp.toLeaf, reason: cp.reason });
    }
    const first = firstFinding(findings);
    const latest = stored[stored.length - 1];
    const result: LogVerifyResult = {
      ok: !first,
      checked: first ? Math.min(leaves.checked, first.leaf) : leaves.checked,
      treeSize: size,
      checkpoints: stored.length,
      ...(!first && latest ? { rootHash: latest.rootHash } : {}),
      ...(first
        ? {
            firstBrokenLeaf: first.leaf,
            ...(first.seq !== undefined ? { firstBrokenSeq: first.seq } : {}),
            reason: first.reason,
          }
        : {}),
      unsealed,
      ...(outside.length ? { outside: tree.outsideResults } : {}),
    };
    return result;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

/**
 * The earliest finding. A checkpoint that no longer matches only says that something among the
 * leaves it added changed; a finding at a single leaf inside that range says which, so it wins.
 */
function firstFinding(
  findings: Array<LeafFinding & { until?: number }>,
): (LeafFinding & { until?: number }) | undefined {
  let best: (LeafFinding & { until?: number }) | undefined;
  for (const finding of findings) {
    if (!best) {
      best = finding;
      continue;
    }
    const bestEnd = best.until ?? best.leaf + 1;
    const end = finding.until ?? finding.leaf + 1;
    const pinpoints = (a: LeafFinding & { until?: number }, b: LeafFinding & { until?: number }) =>
      a.until === undefined && b.until !== undefined && a.leaf < b.until;
    if (pinpoints(finding, best)) best = finding;
    else if (pinpoints(best, finding)) continue;
    else if (finding.leaf < best.leaf || (finding.leaf === best.leaf && end < bestEnd)) {
      best = finding;
    }
  }
  return best;
}

export async function logOrigin(client: ClientBase): Promise<LogOrigin> {
  const { rows } = await client.query<{ chained_events: string; chain_last_hash: string }>(
    'SELECT chained_events, chain_last_hash FROM audit_chain_origin',
  );
  return rows.length
    ? { chainedEvents: Number(rows[0].chained_events), chainLastHash: rows[0].chain_last_hash }
    : { chainedEvents: 0, chainLastHash: GENESIS_HASH };
}

export async function storedCheckpoints(client: ClientBase): Promise<Checkpoint[]> {
  const { rows } = await client.query<{
    tree_size: string;
    root_hash: Buffer;
    signed_at: Date;
    key_id: string;
    signature: Buffer;
  }>(
    'SELECT tree_size, root_hash, signed_at, key_id, signature FROM audit_checkpoints ORDER BY tree_size',
  );
  return rows.map(checkpointFromRow);
}

export function checkpointFromRow(row: {
  tree_size: string | number;
  root_hash: Buffer;
  signed_at: Date;
  key_id: string;
  signature: Buffer;
}): Checkpoint {
  return {
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash.toString('hex'),
    signedAt: row.signed_at.toISOString(),
    keyId: row.key_id,
    signature: row.signature.toString('base64'),
  };
}

/**
 * An event the sealer must already have sealed, since it sorts before the last leaf in commit
 * order, yet is in no leaf: inserted behind the log's back (or its leaf removed). Counting first
 * keeps the common case to two index scans.
 */
async function eventsOutsideTheTree(
  client: ClientBase,
  size: number,
): Promise<{ behind?: LeafFinding; unsealed: number }> {
  const { rows: last } = await client.query<{ seq: string; xid: string | null }>(
    `SELECT e.seq, e.xid::text AS xid FROM audit_leaves l JOIN audit_events e ON e.seq = l.seq
      WHERE l.leaf_index = $1`,
    [size - 1],
  );
  const lastXid = last[0]?.xid ?? '0';
  const lastSeq = last[0]?.seq ?? '0';
  const chainedOnly = !last[0] || last[0].xid === null;
  const behind = `(e.xid IS NULL ${chainedOnly ? 'AND e.seq <= $2::bigint' : 'OR (e.xid, e.seq) <= ($1::xid8, $2::bigint)'})`;
  const { rows: counts } = await client.query<{ behind: string; ahead: string }>(
    `SELECT (SELECT count(*) FROM audit_events e WHERE ${behind}) AS behind,
            (SELECT count(*) FROM audit_events e
              WHERE e.xid IS NOT NULL AND (e.xid, e.seq) > ($1::xid8, $2::bigint)
                 OR ${chainedOnly ? 'e.xid IS NULL AND e.seq > $2::bigint' : 'false'}) AS ahead`,
    [lastXid, lastSeq],
  );
  const unsealed = Number(counts[0].ahead);
  if (Number(counts[0].behind) <= size) return { unsealed };
  const { rows } = await client.query<{ seq: string; xid: string | null; position: string }>(
    `SELECT e.seq, e.xid::text AS xid,
            (SELECT count(*) FROM audit_leaves l2 JOIN audit_events e2 ON e2.seq = l2.seq
              WHERE e2.xid IS NULL AND (e.xid IS NOT NULL OR e2.seq < e.seq)
                 OR (e2.xid, e2.seq) < (e.xid, e.seq)) AS position
       FROM audit_events e
      WHERE ${behind} AND NOT EXISTS (SELECT 1 FROM audit_leaves l WHERE l.seq = e.seq)
      ORDER BY e.xid NULLS FIRST, e.seq LIMIT 1`,
    [lastXid, lastSeq],
  );
  if (!rows.length) return { unsealed };
  const seq = Number(rows[0].seq);
  const leaf = Number(rows[0].position);
  return {
    behind: {
      leaf,
      seq,
      reason: `event ${seq} belongs at leaf ${leaf} in commit order but is not in the log (inserted)`,
    },
    unsealed,
  };
}
