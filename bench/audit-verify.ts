/**
 * Audit trail benchmark: verification of 1,000,000 events, and the sustained append rate of
 * concurrent transactions. It runs the app's own code (AuditRepository, AuditService,
 * verifyChain, eventHash) against a throwaway database `salt_bench_<time>` that it creates,
 * migrates with the app's migrations, fills, and drops again.
 *
 *   npx tsc -p tsconfig.json --outDir tmp/bench
 *   node tmp/bench/bench/audit-verify.js [events=1000000] [appendSeconds=10] [writers=20]
 *
 * While tuning, BENCH_KEEP=1 keeps the filled database and BENCH_DB=<name> reuses it (no fill).
 *
 * DATABASE_URL (or TEST_DATABASE_URL) names a server where this role may CREATE DATABASE;
 * default postgres://postgres@127.0.0.1:5432/postgres. Targets: verify < 10 s, append ≥ 200/s.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AuditEventEntity } from '../src/audit/audit-event.entity';
import { eventHash, GENESIS_HASH, HashedEvent } from '../src/audit/audit-hash';
import { AuditRepository } from '../src/audit/audit.repository';
import { AuditService } from '../src/audit/audit.service';
import { AuditAction } from '../src/audit/audit-action';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrate';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const APPEND_SECONDS = Number(process.argv[3] ?? 10);
const WRITERS = Number(process.argv[4] ?? 20);
const BATCH = 5000;

const serverUrl =
  process.env.DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';
const urlFor = (database: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/**
 * CPU time (ms) that the server processes of connections to `database` use while sampling runs.
 * The machine may be shared, so wall time alone says little; node and Postgres CPU show what the
 * work costs (they run in parallel). Backends come and go with the verify workers, so their
 * counters are polled and the last value seen per process is kept.
 */
function sampleBackendCpu(admin: Client, database: string): { stop: () => Promise<number> } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  let started = false;
  const poll = async () => {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [database],
    );
    for (const { pid } of rows) {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        const used = (Number(fields[11]) + Number(fields[12])) * tick; // utime + stime
        // Connections opened after sampling began (the verify workers') count from zero.
        if (!first.has(pid)) first.set(pid, started ? 0 : used);
        last.set(pid, used);
      } catch {
        // gone already, or not on this machine
      }
    }
  };
  let polling = poll().then(() => {
    started = true;
  });
  const timer = setInterval(() => {
    polling = polling.then(poll, poll);
  }, 100);
  return {
    stop: async () => {
      clearInterval(timer);
      await polling.then(poll, poll);
      let total = 0;
      for (const [pid, used] of last) total += used - (first.get(pid) ?? used);
      return total;
    },
  };
}

/** A plausible trail: logins, uploads, assignments and read submissions with their values. */
function syntheticEvent(seq: number, at: number, ids: string[]): HashedEvent {
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
    before: null as unknown,
    reason: null as string | null,
    requestId: ids[(seq * 13) % ids.length],
    ip: `10.0.${seq % 256}.${(seq >> 8) % 256}`,
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0',
  };
  switch (kind) {
    case 0:
      return {
        ...base,
        action: AuditAction.LoginSucceeded,
        entityType: 'session',
        entityId: ids[(seq * 3) % ids.length],
        after: { userId: actorId, expiresAt: new Date(at + 43_200_000).toISOString() },
      };
    case 1:
      return {
        ...base,
        actorRole: 'system',
        action: AuditAction.ReadAssigned,
        entityType: 'read-task',
        entityId: ids[(seq * 5) % ids.length],
        after: { photoSetId, raterId: actorId, slot: seq % 2, readCode: `R-${seq.toString(36)}` },
      };
    case 2:
      return {
        ...base,
        action: AuditAction.ReadSubmitted,
        entityType: 'read-task',
        entityId: ids[(seq * 5) % ids.length],
        before: { status: 'assigned' },
        after: {
          photoSetId,
          status: 'submitted',
          top: (seq % 1001) / 10,
          back: (seq % 997) / 10,
          left: 12.5,
          right: 80,
          salt: 42.2,
        },
      };
    case 3:
      return {
        ...base,
        actorRole: 'coordinator',
        action: AuditAction.SetUploaded,
        entityType: 'photo-set',
        entityId: photoSetId,
        after: { subjectCode: `S-${seq % 500}`, visit: `week-${seq % 52}`, views: 4 },
      };
    default:
      return {
        ...base,
        actorRole: 'adjudicator',
        action: AuditAction.AdjudicationDecided,
        entityType: 'adjudication-task',
        entityId: ids[(seq * 11) % ids.length],
        reason: 'Read B matches the vertex photograph better; A overcounted vellus regrowth.',
        after: {
          photoSetId,
          choice: seq % 2 ? 'A' : 'B',
          finalSalt: 37.4,
          rulesFired: ['max-difference'],
        },
      };
  }
}

const INSERT = `INSERT INTO audit_events (seq, occurred_at, actor_id, actor_name, actor_role, action,
    entity_type, entity_id, study_id, before, after, reason, request_id, ip, user_agent,
    prev_hash, hash)
  SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::uuid[], $4::text[], $5::text[],
    $6::text[], $7::text[], $8::text[], $9::uuid[], $10::jsonb[], $11::jsonb[], $12::text[],
    $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])`;

const json = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

/** Fills the trail with `count` correctly chained events, BATCH rows per statement. */
async function fill(url: string, count: number): Promise<void> {
  const writers = [new Client({ connectionString: url }), new Client({ connectionString: url })];
  await Promise.all(writers.map((c) => c.connect()));
  await Promise.all(writers.map((c) => c.query('SET synchronous_commit = off')));
  const ids = Array.from({ length: 5000 }, () => randomUUID());
  const start = Date.UTC(2026, 0, 1);
  let prevHash = GENESIS_HASH;
  const inFlight: Promise<unknown>[] = [];
  try {
    for (let first = 1, n = 0; first <= count; first += BATCH, n++) {
      const columns: unknown[][] = Array.from({ length: 17 }, () => []);
      for (let seq = first; seq < first + BATCH && seq <= count; seq++) {
        const event = syntheticEvent(seq, start + seq * 37, ids);
        const hash = eventHash(event, prevHash);
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
          prevHash,
          hash,
        ];
        for (let c = 0; c < 17; c++) columns[c].push(row[c]);
        prevHash = hash;
      }
      if (inFlight.length >= 2) await inFlight.shift();
      inFlight.push(writers[n % 2].query(INSERT, columns));
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.all(writers.map((c) => c.end()));
  }
}

/** Concurrent transactions, each appending one event through AuditService, for a while. */
async function appendRate(dataSource: DataSource, audit: AuditService): Promise<number> {
  const deadline = Date.now() + APPEND_SECONDS * 1000;
  let appended = 0;
  const began = Date.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, writer) => {
      while (Date.now() < deadline) {
        await dataSource.transaction((tx) =>
          audit.record(tx, {
            actor: { id: randomUUID(), name: `Writer ${writer}`, role: 'rater' },
            action: AuditAction.ReadSubmitted,
            entityType: 'read-task',
            entityId: randomUUID(),
            studyId: randomUUID(),
            after: { photoSetId: randomUUID(), top: 50, back: 25, left: 10, right: 80, salt: 42.2 },
          }),
        );
        appended++;
      }
    }),
  );
  return appended / ((Date.now() - began) / 1000);
}

async function main(): Promise<void> {
  const reuse = process.env.BENCH_DB;
  const keep = Boolean(reuse) || process.env.BENCH_KEEP === '1';
  const database = reuse ?? `salt_bench_${Date.now().toString(36)}`;
  if (!database.startsWith('salt_bench_'))
    throw new Error('BENCH_DB must name a salt_bench_* database');
  const admin = new Client({ connectionString: urlFor('postgres') });
  await admin.connect();
  if (!reuse) {
    await admin.query(`CREATE DATABASE "${database}"`);
    console.log(`created ${database}`);
  }
  const dataSource = new DataSource({
    ...dataSourceOptions({ databaseUrl: urlFor(database) }),
    entities: [AuditEventEntity],
  });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    const repository = new AuditRepository(dataSource);
    const audit = new AuditService(repository);

    let began = Date.now();
    if (!reuse) {
      await fill(urlFor(database), EVENTS);
      await dataSource.query('VACUUM ANALYZE audit_events');
    }
    const [{ size }]: { size: string }[] = await dataSource.query(
      `SELECT pg_size_pretty(pg_total_relation_size('audit_events')) AS size`,
    );
    console.log(`filled ${EVENTS} chained events in ${seconds(Date.now() - began)} (${size})`);

    for (const run of [1, 2, 3]) {
      const load = loadavg()[0].toFixed(1);
      const server = sampleBackendCpu(admin, database);
      const cpu = process.cpuUsage();
      began = Date.now();
      const result = await repository.verify({ fromSeq: 1, toSeq: EVENTS });
      const ms = Date.now() - began;
      const used = process.cpuUsage(cpu);
      const serverMs = await server.stop();
      console.log(
        `verify run ${run}: ${result.ok ? 'ok' : `BROKEN at ${result.firstBrokenSeq}`}, ` +
          `${result.checked} events in ${seconds(ms)} ` +
          `(${Math.round(result.checked / (ms / 1000))} events/s); CPU: node ` +
          `${seconds((used.user + used.system) / 1000)}, postgres ${seconds(serverMs)}; ` +
          `load average ${load} on ${cpus().length} cores`,
      );
      if (!result.ok) throw new Error(result.reason);
    }

    // The parallel path must still name the first altered event, here in a later segment.
    const altered = Math.floor(EVENTS * 0.75) + 1;
    const original: { after: unknown }[] = await dataSource.query(
      'SELECT after FROM audit_events WHERE seq = $1',
      [altered],
    );
    const setAfter = async (after: unknown) => {
      await dataSource.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      await dataSource.query('UPDATE audit_events SET after = $2 WHERE seq = $1', [
        altered,
        JSON.stringify(after),
      ]);
      await dataSource.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    };
    await setAfter({ tampered: true });
    const caught = await repository.verify({ fromSeq: 1, toSeq: EVENTS });
    await setAfter(original[0].after);
    console.log(
      `tampered event ${altered}: verify says ok=${caught.ok}, firstBrokenSeq=` +
        `${caught.firstBrokenSeq}, checked=${caught.checked}`,
    );
    if (caught.ok || caught.firstBrokenSeq !== altered || caught.checked !== altered - 1) {
      throw new Error('verification missed or misplaced the tampered event');
    }

    if (APPEND_SECONDS <= 0) return;
    const rate = await appendRate(dataSource, audit);
    const last = await repository.lastSeq();
    const tail = await repository.verify({ fromSeq: EVENTS + 1, toSeq: last });
    console.log(
      `append: ${Math.round(rate)} events/s sustained over ${APPEND_SECONDS} s from ${WRITERS} ` +
        `concurrent transactions; ${tail.checked} appended events verify ${tail.ok ? 'ok' : 'BROKEN'}`,
    );
    if (!tail.ok) throw new Error(tail.reason);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    if (!keep) {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      console.log(`dropped ${database}`);
    } else {
      console.log(`kept ${database}`);
    }
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
