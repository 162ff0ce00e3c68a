import { randomUUID } from 'node:crypto';
import { AuditAction } from '../../src/audit/audit-action';
import { AuditEventView } from '../../src/audit/audit.repository';
import { API, ApiClient, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { auditorClient, lastSeq, recordEvent } from './audit-support';

interface Page {
  items: AuditEventView[];
  nextCursor: string | null;
}

/** Follows nextCursor until the end and returns every item seen. */
async function allPages(client: ApiClient, query: string): Promise<AuditEventView[][]> {
  const pages: AuditEventView[][] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const response = await client.get(`/audit?${query}${suffix}`).expect(200);
    const page = response.body as Page;
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

describe('auditor view of the trail', () => {
  let t: TestApp;
  let make: Make;
  let auditor: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    auditor = await auditorClient(make);
  });
  afterAll(() => t.close());

  it('is closed to raters, adjudicators and coordinators, and to anonymous callers', async () => {
    const blinded = await Promise.all([make.rater(), make.adjudicator(), make.coordinator()]);
    const paths = [
      '/audit',
      '/audit/verify',
      '/audit/export?format=csv',
      `/audit/entities/photo-set/${randomUUID()}`,
      '/audit/checkpoints',
      '/audit/checkpoints/latest',
      '/audit/public-key',
      '/audit/proofs/inclusion?seq=1',
      '/audit/proofs/consistency?from=1&to=1',
    ];
    const before = await lastSeq(t.db);
    for (const { client } of blinded) {
      for (const path of paths) {
        const response = await client.get(path);
        expect([403, 404]).toContain(response.status);
        expect(JSON.stringify(response.body)).not.toMatch(/prevHash|actorName/);
      }
    }
    for (const path of paths)
      await t
        .http()
        .get(API + path)
        .expect(401);
    // Refused requests neither verified nor exported anything.
    const after: { action: string }[] = await t.db.query(
      `SELECT action FROM audit_events WHERE seq > $1`,
      [before],
    );
    expect(after.map((e) => e.action)).not.toContain(AuditAction.AuditVerified);
    expect(after.map((e) => e.action)).not.toContain(AuditAction.AuditExported);
  });

  it('lets auditors and admins read events with every recorded field', async () => {
    const admin = await make.admin();
    const { user } = await make.rater();
    for (const client of [auditor, admin]) {
      const response = await client.get(`/audit?entityType=user&entityId=${user.id}`).expect(200);
      const page = response.body as Page;
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toEqual({
        seq: expect.stringMatching(/^\d+$/),
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        actorId: expect.any(String),
        actorName: 'Administrator',
        actorRole: 'admin',
        action: AuditAction.UserCreated,
        entityType: 'user',
        entityId: user.id,
        studyId: null,
        before: null,
        after: { email: user.email, name: user.name, roles: ['rater'] },
        reason: null,
        requestId: expect.any(String),
        ip: expect.any(String),
        userAgent: null,
        prevHash: null,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    }
  });

  it('pages by seq with an opaque cursor, returning every event exactly once', async () => {
    for (let i = 0; i < 5; i++) await make.rater();
    const stored: { seq: string }[] = await t.db.query('SELECT seq FROM audit_events ORDER BY seq');
    expect(stored.length).toBeGreaterThan(20);

    const pages = await allPages(auditor, 'limit=7');
    expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    const seen = pages.flat().map((e) => e.seq);
    expect(seen.slice(0, stored.length)).toEqual(stored.map((r) => r.seq));
    expect(new Set(seen).size).toBe(seen.length);

    const newestFirst = (await allPages(auditor, 'limit=9&order=desc')).flat().map((e) => e.seq);
    expect(new Set(newestFirst).size).toBe(newestFirst.length);
    expect([...newestFirst].reverse().slice(0, stored.length)).toEqual(stored.map((r) => r.seq));
  });

  it('defaults to 100 per page and refuses more than 1000 or a forged cursor', async () => {
    while ((await lastSeq(t.db)) <= 100) await make.rater();
    const page = (await auditor.get('/audit').expect(200)).body as Page;
    expect(page.items).toHaveLength(100);
    expect(page.nextCursor).toEqual(expect.any(String));
    await auditor.get('/audit?limit=1001').expect(400);
    await auditor.get('/audit?limit=0').expect(400);
    await auditor.get('/audit?cursor=bm90LWEtY3Vyc29y').expect(400);
    // A cursor from an ascending walk does not silently work for a descending one.
    await auditor.get(`/audit?order=desc&cursor=${page.nextCursor}`).expect(400);
  });

  it('filters on study, actor, action, entity and time range', async () => {
    const start = new Date(Date.now() - 1);
    const rater = await make.rater();
    const studyId = randomUUID();
    const otherStudy = randomUUID();
    await rater.client.post('/auth/tokens', { name: 'one' }).expect(201);
    await rater.client.post('/auth/tokens', { name: 'two' }).expect(201);
    const actor = { id: rater.user.id, name: rater.user.name, role: 'rater' };
    const inStudy = await recordEvent(t, {
      actor,
      action: AuditAction.ReadSubmitted,
      entityType: 'read-task',
      entityId: randomUUID(),
      studyId,
      after: { salt: 42.2 },
    });
    await recordEvent(t, {
      actor,
      action: AuditAction.ReadSubmitted,
      entityType: 'read-task',
      entityId: randomUUID(),
      studyId: otherStudy,
    });

    const byStudy = (await auditor.get(`/audit?studyId=${studyId}`).expect(200)).body as Page;
    expect(byStudy.items.map((e) => e.seq)).toEqual([inStudy]);

    const byActor = (await auditor.get(`/audit?actorId=${rater.user.id}`).expect(200)).body as Page;
    expect(byActor.items.map((e) => e.action)).toEqual([
      AuditAction.LoginSucceeded,
      AuditAction.TokenCreated,
      AuditAction.TokenCreated,
      AuditAction.ReadSubmitted,
      AuditAction.ReadSubmitted,
    ]);

    const tokens = (
      await auditor
        .get(`/audit?actorId=${rater.user.id}&action=${AuditAction.TokenCreated}`)
        .expect(200)
    ).body as Page;
    expect(tokens.items.map((e) => e.after)).toEqual([
      { name: 'one', scope: 'full' },
      { name: 'two', scope: 'full' },
    ]);

    const entityId = byStudy.items[0].entityId;
    const byEntity = (
      await auditor.get(`/audit?entityType=read-task&entityId=${entityId}`).expect(200)
    ).body as Page;
    expect(byEntity.items.map((e) => e.seq)).toEqual([inStudy]);

    // from is inclusive and to exclusive; a window that ends before the events holds none.
    const since = (await auditor.get(`/audit?from=${start.toISOString()}&limit=1000`).expect(200))
      .body as Page;
    expect(since.items.every((e) => new Date(e.occurredAt) >= start)).toBe(true);
    expect(since.items.map((e) => e.seq)).toContain(inStudy);
    const third = byActor.items[2];
    const window = (
      await auditor
        .get(`/audit?actorId=${rater.user.id}&from=${third.occurredAt}&to=${third.occurredAt}`)
        .expect(200)
    ).body as Page;
    expect(window.items).toEqual([]);
    const until = (
      await auditor.get(`/audit?actorId=${rater.user.id}&to=${start.toISOString()}`).expect(200)
    ).body as Page;
    expect(until.items).toEqual([]);

    await auditor.get('/audit?studyId=not-a-uuid').expect(400);
    await auditor.get('/audit?from=yesterday').expect(400);
  });

  it("gives a photo set's timeline, including events that name it as their photoSetId", async () => {
    const coordinator = await make.coordinator();
    const raters = [await make.rater(), await make.rater()];
    const photoSetId = randomUUID();
    const otherSet = randomUUID();
    const studyId = randomUUID();
    const staff = (user: { id: string; name: string }, role: string) => ({
      id: user.id,
      name: user.name,
      role,
    });
    const expected: string[] = [];
    expected.push(
      await recordEvent(t, {
        actor: staff(coordinator.user, 'coordinator'),
        action: AuditAction.SetUploaded,
        entityType: 'photo-set',
        entityId: photoSetId,
        studyId,
        after: { subjectCode: 'S-001', visit: 'baseline' },
      }),
    );
    await recordEvent(t, {
      actor: staff(coordinator.user, 'coordinator'),
      action: AuditAction.SetUploaded,
      entityType: 'photo-set',
      entityId: otherSet,
      studyId,
    });
    for (const [slot, rater] of raters.entries()) {
      const readTaskId = randomUUID();
      expected.push(
        await recordEvent(t, {
          actor: { id: null, name: 'system', role: 'system' },
          action: AuditAction.ReadAssigned,
          entityType: 'read-task',
          entityId: readTaskId,
          studyId,
          after: { photoSetId, raterId: rater.user.id, slot },
        }),
      );
      expected.push(
        await recordEvent(t, {
          actor: staff(rater.user, 'rater'),
          action: AuditAction.ReadSubmitted,
          entityType: 'read-task',
          entityId: readTaskId,
          studyId,
          after: { photoSetId, top: 50, back: 25, left: 10, right: 80, salt: 42.2 },
        }),
      );
      // Another set's read must not leak into this timeline.
      await recordEvent(t, {
        actor: staff(rater.user, 'rater'),
        action: AuditAction.ReadSubmitted,
        entityType: 'read-task',
        entityId: randomUUID(),
        studyId,
        after: { photoSetId: otherSet, salt: 3.6 },
      });
    }
    expected.push(
      await recordEvent(t, {
        actor: { id: null, name: 'system', role: 'system' },
        action: AuditAction.ResultFinalized,
        entityType: 'final-score',
        entityId: randomUUID(),
        studyId,
        before: { photoSetId, status: 'reading' },
        after: { status: 'final', finalSalt: 42.2 },
      }),
    );

    const timeline = (await auditor.get(`/audit/entities/photo-set/${photoSetId}`).expect(200))
      .body as Page;
    expect(timeline.items.map((e) => e.seq)).toEqual(expected);
    expect(timeline.items.map((e) => e.action)).toEqual([
      AuditAction.SetUploaded,
      AuditAction.ReadAssigned,
      AuditAction.ReadSubmitted,
      AuditAction.ReadAssigned,
      AuditAction.ReadSubmitted,
      AuditAction.ResultFinalized,
    ]);
    expect(timeline.nextCursor).toBeNull();

    const paged = (await auditor.get(`/audit/entities/photo-set/${photoSetId}?limit=4`).expect(200))
      .body as Page;
    expect(paged.items).toHaveLength(4);
    const rest = (
      await auditor
        .get(`/audit/entities/photo-set/${photoSetId}?limit=4&cursor=${paged.nextCursor}`)
        .expect(200)
    ).body as Page;
    expect([...paged.items, ...rest.items].map((e) => e.seq)).toEqual(expected);

    const unknown = (await auditor.get(`/audit/entities/photo-set/${randomUUID()}`).expect(200))
      .body as Page;
    expect(unknown.items).toEqual([]);
    await auditor.get(`/audit/entities/Not_A_Type/${photoSetId}`).expect(400);
  });
});
