import { AuditAction } from '../../src/audit/audit-action';
import { Checkpoint } from '../../src/audit/audit-checkpoint';
import { eventLeafHash, HashedEvent } from '../../src/audit/audit-hash';
import { AuditEventView } from '../../src/audit/audit.repository';
import { ApiClient, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  asSuperuserWithoutTriggers,
  auditorClient,
  lastSeq,
  leafOf,
  recordEvent,
  waitSealed,
} from './audit-support';

interface Verdict {
  ok: boolean;
  checked: number;
  treeSize: number;
  firstBrokenLeaf?: number;
  firstBrokenSeq?: number;
  reason?: string;
  outside?: { treeSize: number; consistent: boolean; reason?: string }[];
}

const event = (i: number) => ({
  actor: { id: null, name: 'system', role: 'system' },
  action: AuditAction.ReadSubmitted,
  entityType: 'read-task',
  entityId: `task-${i}`,
  after: { n: i },
});

/** The stored row of an event, every column as pg returns it, to put back after tampering. */
async function rowOf(t: TestApp, seq: string | number): Promise<Record<string, unknown>> {
  const [row]: Record<string, unknown>[] = await t.db.query(
    'SELECT * FROM audit_events WHERE seq = $1',
    [seq],
  );
  return row;
}

async function insertRow(t: TestApp, row: Record<string, unknown>): Promise<void> {
  const columns = Object.keys(row);
  const json = (c: string) => (c === 'before' || c === 'after') && row[c] !== null;
  await asSuperuserWithoutTriggers(t.db, (db) =>
    db.query(
      `INSERT INTO audit_events (${columns.join(',')})
       VALUES (${columns.map((c, i) => `$${i + 1}${c === 'xid' ? '::xid8' : ''}`).join(',')})`,
      columns.map((c) => (json(c) ? JSON.stringify(row[c]) : row[c])),
    ),
  );
}

describe('tamper detection in the audit log', () => {
  let t: TestApp;
  let make: Make;
  let auditor: ApiClient;
  /** Seqs of events each sealed into a checkpoint of its own. */
  const seqs: string[] = [];

  const verify = async (): Promise<Verdict> =>
    (await auditor.get('/audit/verify').expect(200)).body as Verdict;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    auditor = await auditorClient(make);
    for (let i = 0; i < 6; i++) {
      seqs.push(await recordEvent(t, event(i)));
      await waitSealed(t.db);
    }
  });
  afterAll(() => t.close());

  it('verifies an untouched log, and records that it did', async () => {
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: true });
    expect(verdict.checked).toBe(verdict.treeSize);
    const [recorded]: { after: Verdict; actor_role: string }[] = await t.db.query(
      `SELECT after, actor_role FROM audit_events WHERE action = $1 ORDER BY seq DESC LIMIT 1`,
      [AuditAction.AuditVerified],
    );
    expect(recorded).toMatchObject({ actor_role: 'auditor', after: { ok: true } });
  });

  it('hashes the same in the database as in the verifier, whatever the text', async () => {
    const awkward = 'é 😀 "quoted" back\\slash\nnew line\ttab \u2028 \u001f ctrl <>&\'';
    await recordEvent(t, {
      actor: { id: null, name: `Ñame ${awkward}`, role: 'system' },
      action: AuditAction.ReadSubmitted,
      entityType: 'read-task',
      entityId: awkward,
      before: [1.5, -0, 1e21, 1e-7, { z: null, a: [true, false] }],
      after: { [awkward]: awkward, nested: { b: 2, a: 1, '10': 'ten', '9': 'nine' }, n: 42.2 },
      reason: awkward,
    });
    await waitSealed(t.db);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('reports a modified event at its leaf', async () => {
    const seq = seqs[2];
    const leaf = await leafOf(t.db, seq);
    const { after } = await rowOf(t, seq);
    await asSuperuserWithoutTriggers(t.db, (db) =>
      db.query(`UPDATE audit_events SET after = '{"n":"forged"}' WHERE seq = $1`, [seq]),
    );
    try {
      const verdict = await verify();
      expect(verdict).toMatchObject({
        ok: false,
        firstBrokenLeaf: leaf,
        firstBrokenSeq: Number(seq),
        checked: leaf,
      });
      expect(verdict.reason).toMatch(/contents altered/);
      await waitSealed(t.db);
      // The failed verification is itself on record.
      const [recorded]: { after: Verdict }[] = await t.db.query(
        `SELECT after FROM audit_events WHERE action = $1 ORDER BY seq DESC LIMIT 1`,
        [AuditAction.AuditVerified],
      );
      expect(recorded.after).toMatchObject({ ok: false, firstBrokenLeaf: leaf });
    } finally {
      await asSuperuserWithoutTriggers(t.db, (db) =>
        db.query('UPDATE audit_events SET after = $2 WHERE seq = $1', [seq, JSON.stringify(after)]),
      );
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('reports a deleted event at its leaf', async () => {
    const seq = seqs[3];
    const leaf = await leafOf(t.db, seq);
    const row = await rowOf(t, seq);
    await asSuperuserWithoutTriggers(t.db, (db) =>
      db.query('DELETE FROM audit_events WHERE seq = $1', [seq]),
    );
    try {
      const verdict = await verify();
      expect(verdict).toMatchObject({
        ok: false,
        firstBrokenLeaf: leaf,
        firstBrokenSeq: Number(seq),
      });
      expect(verdict.reason).toMatch(/missing \(deleted\)/);
    } finally {
      await insertRow(t, row);
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('reports an event inserted into history at the leaf where it would belong', async () => {
    // A well-formed event with its own correct hash, slipped in after event 1 in commit order.
    const model = await rowOf(t, seqs[1]);
    const leaf = (await leafOf(t.db, seqs[1])) as number;
    const [{ seq }]: { seq: string }[] = await t.db.query(
      `SELECT nextval('audit_events_seq_seq')::text AS seq`,
    );
    const items = (await auditor.get(`/audit?entityId=task-1`).expect(200)).body
      .items as AuditEventView[];
    const hashed: HashedEvent = { ...items[0], seq, after: { n: 'inserted' } };
    delete (hashed as Partial<AuditEventView>).prevHash;
    delete (hashed as Partial<AuditEventView>).hash;
    await insertRow(t, {
      ...model,
      seq,
      after: { n: 'inserted' },
      hash: eventLeafHash(hashed).toString('hex'),
    });
    try {
      const verdict = await verify();
      expect(verdict).toMatchObject({
        ok: false,
        firstBrokenLeaf: leaf + 1,
        firstBrokenSeq: Number(seq),
      });
      expect(verdict.reason).toMatch(/inserted/);
    } finally {
      await asSuperuserWithoutTriggers(t.db, (db) =>
        db.query('DELETE FROM audit_events WHERE seq = $1', [seq]),
      );
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('reports a reordered pair of leaves at the first of the pair', async () => {
    const leaf = (await leafOf(t.db, seqs[4])) as number;
    const pair: { leaf_index: string; seq: string; leaf_hash: Buffer }[] = await t.db.query(
      'SELECT leaf_index, seq, leaf_hash FROM audit_leaves WHERE leaf_index IN ($1, $2) ORDER BY 1',
      [leaf, leaf + 1],
    );
    // Puts the leaves' (seq, leaf_hash) in the given order; seq is unique, so park them first.
    const place = (first: (typeof pair)[0], second: (typeof pair)[0]) =>
      asSuperuserWithoutTriggers(t.db, async (db) => {
        await db.query('UPDATE audit_leaves SET seq = -seq WHERE leaf_index IN ($1, $2)', [
          leaf,
          leaf + 1,
        ]);
        for (const [index, row] of [
          [leaf, first],
          [leaf + 1, second],
        ] as const) {
          await db.query('UPDATE audit_leaves SET seq = $2, leaf_hash = $3 WHERE leaf_index = $1', [
            index,
            row.seq,
            row.leaf_hash,
          ]);
        }
      });
    await place(pair[1], pair[0]);
    try {
      const verdict = await verify();
      expect(verdict).toMatchObject({ ok: false, firstBrokenLeaf: leaf });
      expect(verdict.reason).toMatch(/out of commit order/);
    } finally {
      await place(pair[0], pair[1]);
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of events through the app connection', async () => {
    const seq = await lastSeq(t.db);
    await expect(
      t.db.query(`UPDATE audit_events SET reason = 'edited' WHERE seq = $1`, [seq]),
    ).rejects.toThrow(/append-only: UPDATE/);
    await expect(t.db.query('DELETE FROM audit_events WHERE seq = $1', [seq])).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(t.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE/);
  });
});

describe('a history re-hashed by a superuser', () => {
  let t: TestApp;
  let auditor: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await auditorClient(new Make(t));
  });
  afterAll(() => t.close());

  it('verifies clean inside the database, and is caught by the checkpoints held outside', async () => {
    await waitSealed(t.db);
    const seqs: string[] = [];
    for (let i = 0; i < 5; i++) {
      seqs.push(await recordEvent(t, event(i)));
      await waitSealed(t.db);
    }
    // The auditor (or a witness) keeps every checkpoint outside the database.
    const outside = (await auditor.get('/audit/checkpoints?order=asc&limit=1000').expect(200)).body
      .items as Checkpoint[];
    const k = (await leafOf(t.db, seqs[2])) as number;
    expect(outside.map((c) => c.treeSize)).toEqual(expect.arrayContaining([k, k + 1]));

    // Rewrite event k with a correct hash, drop the leaves from k on and the checkpoints that
    // covered them: the honest sealer then seals the forged history and signs it afresh.
    const items = (await auditor.get('/audit?entityId=task-2').expect(200)).body
      .items as AuditEventView[];
    const { prevHash, hash, ...hashed } = items[0];
    void prevHash;
    void hash;
    const forged = eventLeafHash({ ...hashed, after: { n: 'rewritten' } }).toString('hex');
    await asSuperuserWithoutTriggers(t.db, async (db) => {
      await db.query(
        `UPDATE audit_events SET after = '{"n":"rewritten"}', hash = $2 WHERE seq = $1`,
        [seqs[2], forged],
      );
      await db.query('DELETE FROM audit_leaves WHERE leaf_index >= $1', [k]);
      await db.query('DELETE FROM audit_checkpoints WHERE tree_size > $1', [k]);
    });
    await waitSealed(t.db);

    const inside = (await auditor.get('/audit/verify').expect(200)).body as Verdict;
    expect(inside).toMatchObject({ ok: true });

    const caught = await verifyAgainstOutside(auditor, outside);
    expect(caught).toMatchObject({ ok: false, firstBrokenLeaf: k });
    expect(caught.reason).toMatch(new RegExp(`checkpoint ${k + 1} held outside`));
    const verdicts = caught.outside ?? [];
    expect(verdicts.find((v) => v.treeSize === k)).toMatchObject({ consistent: true });
    expect(verdicts.find((v) => v.treeSize === k + 1)).toMatchObject({ consistent: false });
  });
});

async function verifyAgainstOutside(
  auditor: ApiClient,
  checkpoints: Checkpoint[],
): Promise<Verdict> {
  return (await auditor.post('/audit/verify', { checkpoints }).expect(200)).body as Verdict;
}
