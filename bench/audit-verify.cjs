#!/usr/bin/env node
// Audit log verification of 1,000,000 events (DESIGN §6: < 10 s), through the app's own verifier
// (dist/audit/audit-log-verifier verifyLog, what GET /audit/verify runs, worker threads and all).
// Usage: npm run build:server && node bench/audit-verify.cjs [events=1000000]
// Fills a throwaway database with events as writers leave them (leaf hash in `hash`, their
// transaction's xid), seals them as the sealer does (leaves in (xid, seq) order, one signed
// checkpoint over the whole tree), times two verifications, then checks that a modified event
// is reported at its leaf.
require('reflect-metadata');
const { generateKeyPairSync, randomUUID } = require('node:crypto');
const { cpus } = require('node:os');
const { Client } = require('pg');
const { recordResult, withBenchDatabase } = require('./bench-support.cjs');
const { eventLeafHash } = require('../dist/audit/audit-hash');
const { MerkleFrontier } = require('../dist/audit/merkle');
const { keyIdOf, signCheckpoint } = require('../dist/audit/audit-checkpoint');
const { verifyLog } = require('../dist/audit/audit-log-verifier');

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const BATCH = 10_000;
const RUNS = 2;

/** A plausible trail: logins, assignments, read submissions, uploads, decisions. */
function syntheticEvent(seq, at, ids) {
  const kind = seq % 5;
  const actorId = ids[seq % ids.length];
  const photoSetId = ids[(seq * 7) % ids.length];
  const base = {
    seq: String(seq),
    occurredAt: new Date(at).toISOString(),
    actorId,
    actorName: `Rater ${seq % 97}`,
    actorRole: 'rater',
    studyId: ids[seq % 3],
    before: null,
    reason: null,
    requestId: ids[(seq * 13) % ids.length],
    ip: `10.0.${seq % 256}.${(seq >> 8) % 256}`,
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0',
  };
  switch (kind) {
    case 0:
      return {
        ...base,
        action: 'auth.login-succeeded',
        entityType: 'session',
        entityId: ids[(seq * 3) % ids.length],
        after: { userId: actorId, expiresAt: new Date(at + 43_200_000).toISOString() },
      };
    case 1:
      return {
        ...base,
        actorRole: 'system',
        action: 'read.assigned',
        entityType: 'read-task',
        entityId: ids[(seq * 5) % ids.length],
        after: { photoSetId, raterId: actorId, slot: seq % 2, readCode: `R-${seq.toString(36)}` },
      };
    case 2:
      return {
        ...base,
        action: 'read.submitted',
        entityType: 'read-task',
        entityId: ids[(seq * 5) % ids.length],
        before: { status: 'assigned' },
        after: {
          photoSetId,
          top: (seq % 1001) / 10,
          back: (seq % 997) / 10,
          left: 12.5,
          salt: 42.2,
        },
      };
    case 3:
      return {
        ...base,
        actorRole: 'coordinator',
        action: 'photo-set.uploaded',
        entityType: 'photo-set',
        entityId: photoSetId,
        after: { subjectCode: `S-${seq % 500}`, visit: `week-${seq % 52}`, views: 4 },
      };
    default:
      return {
        ...base,
        actorRole: 'adjudicator',
        action: 'adjudication.decided',
        entityType: 'adjudication-task',
        entityId: ids[(seq * 11) % ids.length],
        reason: 'Read B matches the vertex photograph better; A overcounted vellus regrowth.',
        after: { photoSetId, choice: seq % 2 ? 'A' : 'B', finalSalt: 37.4 },
      };
  }
}

const INSERT = `INSERT INTO audit_events (seq, occurred_at, actor_id, actor_name, actor_role, action,
    entity_type, entity_id, study_id, before, after, reason, request_id, ip, user_agent, hash)
  SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[],
    $6::text[], $7::text[], $8::text[], $9::uuid[], $10::jsonb[], $11::jsonb[], $12::text[],
    $13::text[], $14::text[], $15::text[], $16::text[])`;

const json = (value) => (value === null || value === undefined ? null : JSON.stringify(value));

/**
 * Writes the events one batch (one transaction, so one xid) after another, so commit order is
 * seq order; then the leaves in (xid, seq) order and one checkpoint signed over all of them.
 */
async function fill(databaseUrl, privateKey) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('SET synchronous_commit = off');
  const ids = Array.from({ length: 5000 }, () => randomUUID());
  const start = Date.UTC(2026, 0, 1);
  const frontier = new MerkleFrontier();
  try {
    for (let first = 1; first <= EVENTS; first += BATCH) {
      const columns = Array.from({ length: 16 }, () => []);
      for (let seq = first; seq < first + BATCH && seq <= EVENTS; seq++) {
        const event = syntheticEvent(seq, start + seq * 37, ids);
        const leaf = eventLeafHash(event);
        frontier.append(leaf);
        const row = [
          event.seq,
          event.occurredAt,
          event.actorId,
          event.actorName,
          event.actorRole,
          event.action,
          event.entityType,
          event.entityId,
          event.studyId,
          json(event.before),
          json(event.after),
          event.reason,
          event.requestId,
          event.ip,
          event.userAgent,
          leaf.toString('hex'),
        ];
        for (let c = 0; c < 16; c++) columns[c].push(row[c]);
      }
      await client.query(INSERT, columns);
    }
    await client.query(`SELECT setval('audit_events_seq_seq', $1)`, [EVENTS]);
    await client.query(`
      INSERT INTO audit_leaves (leaf_index, seq, leaf_hash)
      SELECT row_number() OVER (ORDER BY xid, seq) - 1, seq, decode(hash, 'hex')
        FROM audit_events WHERE xid IS NOT NULL`);
    const checkpoint = signCheckpoint(privateKey, {
      treeSize: frontier.size,
      rootHash: frontier.root().toString('hex'),
      signedAt: new Date().toISOString(),
    });
    await client.query(
      `INSERT INTO audit_checkpoints (tree_size, root_hash, signed_at, key_id, signature)
       VALUES ($1, $2, $3, $4, $5)`,
      [
        checkpoint.treeSize,
        Buffer.from(checkpoint.rootHash, 'hex'),
        checkpoint.signedAt,
        checkpoint.keyId,
        Buffer.from(checkpoint.signature, 'base64'),
      ],
    );
    await client.query('VACUUM ANALYZE audit_events');
    await client.query('VACUUM ANALYZE audit_leaves');
  } finally {
    await client.end();
  }
}

async function main() {
  await withBenchDatabase('audit', async (db, databaseUrl) => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const key = {
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      keyId: keyIdOf(publicKey),
    };
    const began = Date.now();
    await fill(databaseUrl, privateKey);
    console.log(
      `filled and sealed ${EVENTS} events in ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
    const timings = [];
    for (let run = 1; run <= RUNS; run++) {
      const started = Date.now();
      const result = await verifyLog(databaseUrl, key);
      const ms = Date.now() - started;
      timings.push(ms);
      console.log(
        `verify run ${run}: ${result.ok ? 'ok' : `BROKEN at leaf ${result.firstBrokenLeaf}: ${result.reason}`}, ` +
          `${result.checked} leaves, ${result.checkpoints} checkpoint(s) in ${(ms / 1000).toFixed(2)} s`,
      );
      if (!result.ok || result.checked !== EVENTS) throw new Error('verification failed');
    }
    // A modified event must be reported at its own leaf.
    const altered = Math.floor(EVENTS * 0.75) + 1;
    await db.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await db.query(`UPDATE audit_events SET after = '{"tampered":true}' WHERE seq = $1`, [altered]);
    await db.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    const caught = await verifyLog(databaseUrl, key);
    console.log(
      `modified event ${altered}: ok=${caught.ok}, firstBrokenSeq=${caught.firstBrokenSeq}`,
    );
    if (caught.ok || Number(caught.firstBrokenSeq) !== altered) {
      throw new Error('verification missed or misplaced the modified event');
    }
    const slowest = Math.max(...timings);
    recordResult({
      figure: `Audit verify of ${EVENTS.toLocaleString('en')} events (whole tree rebuilt, slower of ${RUNS})`,
      value: slowest,
      unit: 'ms',
      target: '< 10000 ms',
      pass: slowest < 10_000,
      note: `runs ${timings.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s on ${cpus().length} cores; a modified event is reported at its leaf`,
    });
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
