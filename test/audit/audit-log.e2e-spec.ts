import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AuditAction } from '../../src/audit/audit-action';
import {
  Checkpoint,
  checkpointSignatureValid,
  signCheckpoint,
} from '../../src/audit/audit-checkpoint';
import { eventLeafHash } from '../../src/audit/audit-hash';
import { AuditEventView } from '../../src/audit/audit.repository';
import { AuditService } from '../../src/audit/audit.service';
import { verifyConsistency, verifyInclusion } from '../../src/audit/merkle';
import { TransactionService } from '../../src/database/transaction.service';
import { ApiClient, createStudy, Make } from '../support/factories';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { adminDatabaseUrl } from '../support/test-env';
import { auditorClient, leafOf, recordEvent, waitSealed } from './audit-support';

interface Proof {
  seq: string;
  leafIndex: number;
  leafHash: string;
  proof: string[];
  checkpoint: Checkpoint;
}

const buf = (hex: string): Buffer => Buffer.from(hex, 'hex');
const flip = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

describe('the signed audit log', () => {
  let t: TestApp;
  let make: Make;
  let auditor: ApiClient;
  let witnessDir: string;

  const event = (i: number, studyId: string | null = null) => ({
    actor: { id: null, name: 'system', role: 'system' },
    action: AuditAction.ReadSubmitted,
    entityType: 'read-task',
    entityId: `task-${i}`,
    studyId,
    after: { n: i },
  });

  beforeAll(async () => {
    witnessDir = mkdtempSync(join(tmpdir(), 'salt-witness-'));
    t = await startTestApp({ env: { AUDIT_WITNESS_DIR: witnessDir } });
    make = new Make(t);
    auditor = await auditorClient(make);
    await waitSealed(t.db);
    // One event per checkpoint, so that there are several.
    for (let i = 0; i < 3; i++) {
      await recordEvent(t, event(i));
      await waitSealed(t.db);
    }
  });
  afterAll(async () => {
    await t.close();
    rmSync(witnessDir, { recursive: true, force: true });
  });

  it('seals every event into checkpoints signed with the published key, and hands them to the witness', async () => {
    const key = (await auditor.get('/audit/public-key').expect(200)).body as {
      algorithm: string;
      keyId: string;
      publicKeyPem: string;
    };
    expect(key.algorithm).toBe('Ed25519');
    const publicKey = createPublicKey(key.publicKeyPem);
    const latest = (await auditor.get('/audit/checkpoints/latest').expect(200)).body as Checkpoint;
    expect(latest.keyId).toBe(key.keyId);
    expect(checkpointSignatureValid(publicKey, latest)).toBe(true);
    const [{ events }]: { events: string }[] = await t.db.query(
      'SELECT count(*) AS events FROM audit_events',
    );
    expect(latest.treeSize).toBeGreaterThanOrEqual(Number(events) - 1);

    const page = (await auditor.get('/audit/checkpoints?order=asc&limit=2').expect(200)).body as {
      items: Checkpoint[];
      nextCursor: string | null;
    };
    expect(page.items).toHaveLength(2);
    expect(page.items[0].treeSize).toBeLessThan(page.items[1].treeSize);
    const next = await auditor
      .get(`/audit/checkpoints?order=asc&limit=2&cursor=${page.nextCursor}`)
      .expect(200);
    expect(next.body.items[0].treeSize).toBeGreaterThan(page.items[1].treeSize);
    const one = await auditor.get(`/audit/checkpoints/${page.items[0].treeSize}`).expect(200);
    expect(one.body).toEqual(page.items[0]);
    await auditor.get('/audit/checkpoints/999999999').expect(404);
    await auditor.get('/audit/checkpoints/zero').expect(400);

    // The head that study locks and exports record.
    const head = await t.app.get(AuditService).head();
    expect(head).toEqual({
      treeSize: expect.any(Number) as number,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      signedAt: expect.any(String) as string,
    });

    // Each checkpoint also went to the witness directory.
    const written = JSON.parse(
      readFileSync(join(witnessDir, `${latest.treeSize}.json`), 'utf8'),
    ) as Checkpoint;
    expect(written).toEqual(latest);
    expect(readdirSync(witnessDir).length).toBeGreaterThanOrEqual(page.items.length);
  });

  it('verifies: every leaf from its event, every checkpoint against the rebuilt tree', async () => {
    const verdict = (await auditor.get('/audit/verify').expect(200)).body;
    expect(verdict).toMatchObject({ ok: true, unsealed: 0 });
    expect(verdict.checked).toBe(verdict.treeSize);
    expect(verdict.checkpoints).toBeGreaterThan(0);
    await waitSealed(t.db);
    const [recorded]: { after: { ok: boolean } }[] = await t.db.query(
      `SELECT after FROM audit_events WHERE action = $1 ORDER BY seq DESC LIMIT 1`,
      [AuditAction.AuditVerified],
    );
    expect(recorded.after).toMatchObject({ ok: true });
  });

  it("proves an event's inclusion, and the proof fails when anything in it is altered", async () => {
    const seq = await recordEvent(t, event(100));
    await waitSealed(t.db);
    const body = (await auditor.get(`/audit/proofs/inclusion?seq=${seq}`).expect(200))
      .body as Proof;
    const items = (await auditor.get('/audit?entityId=task-100').expect(200)).body
      .items as AuditEventView[];
    const { prevHash, hash, ...hashed } = items[0];
    expect(prevHash).toBeNull();
    // Anyone can recompute the leaf from the event as listed or exported.
    expect(eventLeafHash(hashed).toString('hex')).toBe(body.leafHash);
    expect(hash).toBe(body.leafHash);
    const { treeSize, rootHash } = body.checkpoint;
    const proof = body.proof.map(buf);
    expect(
      verifyInclusion(buf(body.leafHash), body.leafIndex, treeSize, proof, buf(rootHash)),
    ).toBe(true);
    expect(
      verifyInclusion(buf(flip(body.leafHash)), body.leafIndex, treeSize, proof, buf(rootHash)),
    ).toBe(false);
    if (proof.length > 0) {
      const altered = [buf(flip(body.proof[0])), ...proof.slice(1)];
      expect(
        verifyInclusion(buf(body.leafHash), body.leafIndex, treeSize, altered, buf(rootHash)),
      ).toBe(false);
    }
    expect(
      verifyInclusion(buf(body.leafHash), body.leafIndex, treeSize, proof, buf(flip(rootHash))),
    ).toBe(false);

    await auditor.get('/audit/proofs/inclusion?seq=99999999').expect(409);
    await auditor.get('/audit/proofs/inclusion?seq=abc').expect(400);
    // Against an older checkpoint that did not hold it yet.
    const first = (await auditor.get('/audit/checkpoints?order=asc&limit=1').expect(200)).body
      .items[0] as Checkpoint;
    await auditor.get(`/audit/proofs/inclusion?seq=${seq}&treeSize=${first.treeSize}`).expect(409);
  });

  it('proves one checkpoint a prefix of a later one, and the proof fails when altered', async () => {
    const all = (await auditor.get('/audit/checkpoints?order=asc&limit=1000').expect(200)).body
      .items as Checkpoint[];
    const first = all[0];
    const second = all[all.length - 1];
    const body = (
      await auditor
        .get(`/audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}`)
        .expect(200)
    ).body as { proof: string[]; first: Checkpoint; second: Checkpoint };
    expect(body.first).toEqual(first);
    expect(body.second).toEqual(second);
    const proof = body.proof.map(buf);
    const check = (p: Buffer[], a = first.rootHash, b = second.rootHash) =>
      verifyConsistency(first.treeSize, second.treeSize, p, buf(a), buf(b));
    expect(check(proof)).toBe(true);
    expect(check([buf(flip(body.proof[0])), ...proof.slice(1)])).toBe(false);
    expect(check(proof, flip(first.rootHash))).toBe(false);
    expect(check(proof, first.rootHash, flip(second.rootHash))).toBe(false);
    await auditor
      .get(`/audit/proofs/consistency?from=${second.treeSize}&to=${first.treeSize}`)
      .expect(400);
    await auditor.get(`/audit/proofs/consistency?from=${first.treeSize}&to=999999999`).expect(404);
  });

  it('fails checkpoints under the wrong public key, and checkpoints signed by another key', async () => {
    const latest = (await auditor.get('/audit/checkpoints/latest').expect(200)).body as Checkpoint;
    const other = generateKeyPairSync('ed25519');
    expect(checkpointSignatureValid(other.publicKey, latest)).toBe(false);
    const forged = signCheckpoint(other.privateKey, latest);
    const verdict = (await auditor.post('/audit/verify', { checkpoints: [forged] }).expect(200))
      .body;
    expect(verdict.ok).toBe(false);
    expect(verdict.outside).toEqual([
      expect.objectContaining({ treeSize: latest.treeSize, consistent: false }),
    ]);
    expect(verdict.reason).toMatch(/not signed by this log's key/);
    // The genuine one is consistent.
    const genuine = (await auditor.post('/audit/verify', { checkpoints: [latest] }).expect(200))
      .body;
    expect(genuine).toMatchObject({ ok: true, outside: [{ consistent: true }] });
    await auditor.post('/audit/verify', { checkpoints: [] }).expect(400);
    await auditor
      .post('/audit/verify', { checkpoints: [{ ...latest, rootHash: 'x' }] })
      .expect(400);
  });

  it('lets 50 writers in one study commit while one holds its transaction open; the held event seals first, once committed', async () => {
    const study = await createStudy(await make.admin());
    const audit = t.app.get(AuditService);
    const held = t.db.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    try {
      const heldEvent = await audit.record(held.manager, event(1000, study.id));
      // With the old global chain lock these 49 would wait for the held transaction forever.
      const others = await Promise.all(
        Array.from({ length: 49 }, (_, i) => recordEvent(t, event(1001 + i, study.id))),
      );
      const committed: { n: string }[] = await t.db.query(
        'SELECT count(*) AS n FROM audit_events WHERE seq = ANY($1::bigint[])',
        [others],
      );
      expect(Number(committed[0].n)).toBe(49);
      // Commit-safe: nothing from a transaction younger than the open one is sealed before it.
      const sealedEarly: { n: string }[] = await t.db.query(
        'SELECT count(*) AS n FROM audit_leaves WHERE seq = ANY($1::bigint[])',
        [[...others, heldEvent.seq]],
      );
      expect(Number(sealedEarly[0].n)).toBe(0);
      await held.commitTransaction();
      await waitSealed(t.db);
      const heldLeaf = (await leafOf(t.db, heldEvent.seq)) as number;
      for (const seq of others) expect(await leafOf(t.db, seq)).toBeGreaterThan(heldLeaf);
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
    const listed = await auditor
      .get(`/audit?studyId=${study.id}&action=${AuditAction.ReadSubmitted}&limit=100`)
      .expect(200);
    expect(listed.body.items).toHaveLength(50);
  });

  it('seals the others while a transaction is open, and a held event written after them seals after them', async () => {
    const audit = t.app.get(AuditService);
    const held = t.db.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    try {
      await held.query('SELECT 1');
      const others = await Promise.all(
        Array.from({ length: 10 }, (_, i) => recordEvent(t, event(2000 + i))),
      );
      // The open transaction has written nothing yet, so it holds nothing back.
      await waitSealed(t.db);
      const heldEvent = await audit.record(held.manager, event(2100));
      await held.commitTransaction();
      await waitSealed(t.db);
      const heldLeaf = (await leafOf(t.db, heldEvent.seq)) as number;
      for (const seq of others) expect(await leafOf(t.db, seq)).toBeLessThan(heldLeaf);
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
  });

  it('is not held back by a transaction open in another database of the cluster', async () => {
    // The cluster-wide pg_snapshot_xmin would stop sealing here for as long as this runs (a
    // report, a migration or another application's transaction next door), and waitSealed
    // would time out.
    const elsewhere = new Client({ connectionString: adminDatabaseUrl() });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      const seq = await recordEvent(t, event(2200));
      await waitSealed(t.db);
      expect(await leafOf(t.db, seq)).not.toBeNull();
    } finally {
      await elsewhere.query('ROLLBACK').catch(() => undefined);
      await elsewhere.end();
    }
  });

  it('refuses UPDATE, DELETE and TRUNCATE of leaves and checkpoints', async () => {
    for (const [table, column] of [
      ['audit_leaves', 'seq'],
      ['audit_checkpoints', 'tree_size'],
    ]) {
      await expect(t.db.query(`UPDATE ${table} SET ${column} = ${column}`)).rejects.toThrow(
        /append-only: UPDATE/,
      );
      await expect(t.db.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only: DELETE/);
      await expect(t.db.query(`TRUNCATE ${table}`)).rejects.toThrow(/append-only: TRUNCATE/);
    }
  });

  it('leaves a hole in seq for a rolled-back writer, but none in the log', async () => {
    const tx = t.app.get(TransactionService);
    await expect(
      tx.run(async (manager) => {
        await t.app.get(AuditService).record(manager, event(3000));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await recordEvent(t, event(3001));
    await waitSealed(t.db);
    expect((await auditor.get('/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });
});

describe('a witness URL', () => {
  let t: TestApp;
  let server: Server;
  const received: Checkpoint[] = [];
  let refusals = 2;

  beforeAll(async () => {
    // A witness that is down at first: sealing must go on, and delivery catch up later.
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (refusals > 0) {
          refusals--;
          res.writeHead(503).end();
          return;
        }
        received.push(JSON.parse(body) as Checkpoint);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    t = await startTestApp({ env: { AUDIT_WITNESS_URL: `http://127.0.0.1:${port}/checkpoints` } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('receives every checkpoint, retried after failures, while sealing goes on', async () => {
    await recordEvent(t, {
      actor: { id: null, name: 'system', role: 'system' },
      action: AuditAction.ReadSubmitted,
      entityType: 'read-task',
      entityId: 'witnessed',
    });
    await waitSealed(t.db);
    const [{ size }]: { size: string }[] = await t.db.query(
      'SELECT max(tree_size) AS size FROM audit_checkpoints',
    );
    await waitFor(() => received.some((c) => c.treeSize === Number(size)), 30_000);
    expect(refusals).toBe(0);
    const sizes = received.map((c) => c.treeSize);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });
});
