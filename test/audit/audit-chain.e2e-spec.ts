import { AuditAction } from '../../src/audit/audit-action';
import { eventHash } from '../../src/audit/audit-hash';
import { AuditEventView } from '../../src/audit/audit.repository';
import { ApiClient, Make, MadeUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { asSuperuserWithoutTriggers, auditorClient, lastSeq, recordEvent } from './audit-support';

interface Verdict {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number;
  reason?: string;
}

describe('hash chain verification', () => {
  let t: TestApp;
  let make: Make;
  let auditor: ApiClient;

  /** Deletes one event behind the triggers; the returned function puts it back unchanged. */
  async function deleteRow(seq: number): Promise<() => Promise<void>> {
    const [row]: Record<string, unknown>[] = await t.db.query(
      'SELECT * FROM audit_events WHERE seq = $1',
      [seq],
    );
    await asSuperuserWithoutTriggers(t.db, (db) =>
      db.query('DELETE FROM audit_events WHERE seq = $1', [seq]),
    );
    const columns = Object.keys(row);
    const json = (c: string) => (c === 'before' || c === 'after') && row[c] !== null;
    return async () => {
      await t.db.query(
        `INSERT INTO audit_events (${columns.join(',')})
         VALUES (${columns.map((_, i) => `$${i + 1}`).join(',')})`,
        columns.map((c) => (json(c) ? JSON.stringify(row[c]) : row[c])),
      );
    };
  }

  const verify = async (query = ''): Promise<Verdict> =>
    (await auditor.get(`/audit/verify${query}`).expect(200)).body as Verdict;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    auditor = await auditorClient(make);
    for (let i = 0; i < 3; i++) await make.rater();
  });
  afterAll(() => t.close());

  it('verifies an untouched chain, and records that it did', async () => {
    const last = await lastSeq(t.db);
    const verdict = await verify();
    expect(verdict).toMatchObject({ ok: true, checked: last, fromSeq: 1, toSeq: last });
    expect(verdict.firstBrokenSeq).toBeUndefined();
    const [event]: { seq: string; action: string; actor_role: string; after: Verdict }[] =
      await t.db.query(`SELECT seq, action, actor_role, after FROM audit_events WHERE seq = $1`, [
        last + 1,
      ]);
    expect(event).toMatchObject({ action: AuditAction.AuditVerified, actor_role: 'auditor' });
    expect(event.after).toMatchObject({ ok: true, checked: last });
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
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('verifies a seq range or a time range', async () => {
    const last = await lastSeq(t.db);
    expect(await verify('?from=3&to=5')).toMatchObject({ ok: true, checked: 3, fromSeq: 3 });
    const since = new Date(Date.now() - 3600_000).toISOString();
    expect(await verify(`?from=${since}`)).toMatchObject({ ok: true, checked: last + 1 });
    expect(await verify(`?to=${since}`)).toMatchObject({ ok: true, checked: 0 });
    await auditor.get('/audit/verify?from=soon').expect(400);
  });

  it('finds the row whose after JSON was changed behind the triggers', async () => {
    const seq = Math.floor((await lastSeq(t.db)) / 2);
    const [{ after }]: { after: unknown }[] = await t.db.query(
      'SELECT after FROM audit_events WHERE seq = $1',
      [seq],
    );
    await asSuperuserWithoutTriggers(t.db, (db) =>
      db.query(`UPDATE audit_events SET after = '{"roles":["admin"]}' WHERE seq = $1`, [seq]),
    );
    try {
      const verdict = await verify();
      expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: seq, checked: seq - 1 });
      expect(verdict.reason).toMatch(/does not match its hash/);
      // A range that ends before the altered row is still sound.
      expect(await verify(`?to=${seq - 1}`)).toMatchObject({ ok: true });
      // The failed verification is itself on record.
      const [event]: { after: Verdict }[] = await t.db.query(
        `SELECT after FROM audit_events WHERE action = $1 ORDER BY seq DESC OFFSET 1 LIMIT 1`,
        [AuditAction.AuditVerified],
      );
      expect(event.after).toMatchObject({ ok: false, firstBrokenSeq: seq });
    } finally {
      await asSuperuserWithoutTriggers(t.db, (db) =>
        db.query('UPDATE audit_events SET after = $2 WHERE seq = $1', [seq, JSON.stringify(after)]),
      );
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('finds a row re-hashed after editing: the next event no longer links to it', async () => {
    const seq = Math.floor((await lastSeq(t.db)) / 3);
    const items = (await auditor.get('/audit?limit=1000').expect(200)).body
      .items as AuditEventView[];
    const original = items.find((e) => e.seq === String(seq))!;
    expect(original).toBeDefined();
    const { prevHash, hash, ...hashed } = original;
    const forged = eventHash({ ...hashed, actorName: 'Someone Else' }, prevHash);
    await asSuperuserWithoutTriggers(t.db, (db) =>
      db.query(`UPDATE audit_events SET actor_name = 'Someone Else', hash = $2 WHERE seq = $1`, [
        seq,
        forged,
      ]),
    );
    try {
      const verdict = await verify();
      expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: seq + 1, checked: seq });
      expect(verdict.reason).toMatch(/does not link/);
    } finally {
      await asSuperuserWithoutTriggers(t.db, (db) =>
        db.query('UPDATE audit_events SET actor_name = $2, hash = $3 WHERE seq = $1', [
          seq,
          original.actorName,
          hash,
        ]),
      );
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('finds a deleted row in the middle by its missing seq', async () => {
    const seq = Math.floor((await lastSeq(t.db)) / 2) + 1;
    const restore = await deleteRow(seq);
    try {
      const verdict = await verify();
      expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: seq, checked: seq - 1 });
      expect(verdict.reason).toMatch(new RegExp(`event ${seq} is missing`));
    } finally {
      await restore();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('finds the first event deleted, and a range starting after a deleted event', async () => {
    const restore = await deleteRow(1);
    try {
      expect(await verify()).toMatchObject({ ok: false, firstBrokenSeq: 1, checked: 0 });
      expect(await verify('?from=2&to=4')).toMatchObject({ ok: false, firstBrokenSeq: 1 });
    } finally {
      await restore();
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('refuses UPDATE, DELETE and TRUNCATE through the app connection', async () => {
    const seq = await lastSeq(t.db);
    await expect(
      t.db.query(`UPDATE audit_events SET reason = 'edited' WHERE seq = $1`, [seq]),
    ).rejects.toThrow(/append-only: UPDATE/);
    await expect(t.db.query('DELETE FROM audit_events WHERE seq = $1', [seq])).rejects.toThrow(
      /append-only: DELETE/,
    );
    await expect(t.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only: TRUNCATE/);
    const [{ count }]: { count: string }[] = await t.db.query(
      'SELECT count(*) FROM audit_events WHERE seq = $1 AND reason IS NULL',
      [seq],
    );
    expect(count).toBe('1');
  });

  it('keeps a gapless, verifiable chain under 20 concurrent audited requests', async () => {
    const users: MadeUser[] = [];
    for (let i = 0; i < 4; i++) users.push(await make.rater());
    const before = await lastSeq(t.db);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        users[i % users.length].client.post('/auth/tokens', { name: `parallel ${i}` }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    const rows: { seq: string; action: string }[] = await t.db.query(
      'SELECT seq, action FROM audit_events WHERE seq > $1 ORDER BY seq',
      [before],
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(
      Array.from({ length: 20 }, (_, i) => before + 1 + i),
    );
    expect(new Set(rows.map((r) => r.action))).toEqual(new Set([AuditAction.TokenCreated]));
    const [{ count, max }]: { count: string; max: string }[] = await t.db.query(
      'SELECT count(*), max(seq) FROM audit_events',
    );
    expect(count).toBe(max);
    expect(await verify()).toMatchObject({ ok: true, checked: Number(max) });
  });
});
