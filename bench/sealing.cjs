// Sealing latency (docs/audit.md): for every audit event written since `since`, the time from
// its write (occurred_at, taken inside the writer's transaction, so a little before its commit:
// the figure errs on the long side) to the signing of the first checkpoint whose tree covers its
// leaf. Waits up to `waitMs` for the sealer to catch up; an event still unsealed then counts as
// never sealed (Infinity). Returns null while the build has no checkpoints table.
const { sleep } = require('./bench-support.cjs');

async function sealingLatencies(db, since, waitMs = 15_000) {
  const [{ present }] = await db.query(
    `SELECT to_regclass('audit_checkpoints') IS NOT NULL
        AND to_regclass('audit_leaves') IS NOT NULL AS present`,
  );
  if (!present) return null;
  const deadline = Date.now() + waitMs;
  let rows;
  for (;;) {
    rows = await db.query(
      `SELECT extract(epoch FROM (c.signed_at - e.occurred_at)) * 1000 AS ms
         FROM audit_events e
         LEFT JOIN audit_leaves l ON l.seq = e.seq
         LEFT JOIN LATERAL (SELECT signed_at FROM audit_checkpoints c
                             WHERE c.tree_size > l.leaf_index ORDER BY c.tree_size LIMIT 1) c ON true
        WHERE e.occurred_at >= $1`,
      [since],
    );
    if (rows.every((row) => row.ms !== null) || Date.now() > deadline) break;
    await sleep(200);
  }
  return {
    latencies: rows.map((row) => (row.ms === null ? Infinity : Number(row.ms))),
    how: 'from the event row’s occurred_at (before its commit) to the covering checkpoint’s signed_at',
  };
}

module.exports = { sealingLatencies };
