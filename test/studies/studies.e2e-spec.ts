import { Principal } from '../../src/auth/principal';
import { DomainEvents } from '../../src/events/domain-events.service';
import { MembershipChange, StudiesService } from '../../src/studies/studies.service';
import { DEFAULT_READER_QUALITY } from '../../src/studies/study-settings';
import { Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('studies and membership', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  async function createStudy(code: string, settings?: object): Promise<{ id: string }> {
    const admin = await make.admin();
    const response = await admin.post('/studies', { code, title: `Study ${code}`, settings });
    expect(response.status).toBe(201);
    return response.body as { id: string };
  }

  it('creates a study with default settings, audited, and refuses a duplicate code', async () => {
    const admin = await make.admin();
    const response = await admin.post('/studies', { code: 'S-DEF', title: 'Defaults' });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      code: 'S-DEF',
      title: 'Defaults',
      settings: {
        maxDifference: 10,
        thresholds: [20],
        pairing: 'per-subject',
        adjudication: 'select-or-own',
        visits: [],
      },
    });
    expect(typeof response.body.createdAt).toBe('string');
    const again = await admin.post('/studies', { code: 'S-DEF', title: 'Again' });
    expect(again.status).toBe(409);
    const events = await t.db.query(
      `SELECT action FROM audit_events WHERE entity_type = 'study' AND entity_id = $1`,
      [response.body.id],
    );
    expect(events).toEqual([{ action: 'study.created' }]);
  });

  it('validates settings: range, order, enums', async () => {
    const admin = await make.admin();
    const bad = await admin.post('/studies', {
      code: 'S-BAD',
      title: 'Bad',
      settings: { maxDifference: 150, thresholds: [50, 20], pairing: 'random', adjudication: 'x' },
    });
    expect(bad.status).toBe(400);
    const messages = (bad.body.message as string[]).join(' | ');
    expect(messages).toMatch(/maxDifference/);
    expect(messages).toMatch(/thresholds must be sorted ascending/);
    expect(messages).toMatch(/pairing/);
    expect(messages).toMatch(/adjudication/);
    const outOfRange = await admin.post('/studies', {
      code: 'S-BAD2',
      title: 'Bad',
      settings: { thresholds: [20, 120] },
    });
    expect(outOfRange.status).toBe(400);
  });

  it('changes settings only with a reason, records before and after', async () => {
    const admin = await make.admin();
    const study = await createStudy('S-PATCH');
    const noReason = await admin.patch(`/studies/${study.id}`, { settings: { maxDifference: 15 } });
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body.message)).toMatch(/reason/);
    const ok = await admin.patch(`/studies/${study.id}`, {
      settings: { maxDifference: 15, thresholds: [10, 20] },
      reason: 'charter amendment 2',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.settings).toEqual({
      maxDifference: 15,
      thresholds: [10, 20],
      pairing: 'per-subject',
      adjudication: 'select-or-own',
      visits: [],
      signatureEverySigning: false,
      readerQuality: DEFAULT_READER_QUALITY,
    });
    const [event] = await t.db.query(
      `SELECT before, after, reason FROM audit_events
        WHERE action = 'study.settings-changed' AND entity_id = $1`,
      [study.id],
    );
    expect(event.reason).toBe('charter amendment 2');
    expect(event.before.settings.maxDifference).toBe(10);
    expect(event.after.settings.maxDifference).toBe(15);
    const titleOnly = await admin.patch(`/studies/${study.id}`, { title: 'Renamed' });
    expect(titleOnly.status).toBe(200);
    expect(titleOnly.body.title).toBe('Renamed');
  });

  it('shows a study only to its members, 404 to others; admins see all', async () => {
    const admin = await make.admin();
    const visible = await createStudy('S-VIS');
    const hidden = await createStudy('S-HID');
    const coordinator = await make.coordinator();
    const put = await admin.put(`/studies/${visible.id}/members/${coordinator.user.id}`, {
      roles: ['coordinator'],
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      userId: coordinator.user.id,
      email: coordinator.user.email,
      roles: ['coordinator'],
      active: true,
    });

    const mine = await coordinator.client.get('/studies');
    expect(mine.status).toBe(200);
    expect((mine.body as { code: string }[]).map((s) => s.code)).toEqual(['S-VIS']);
    expect(mine.body[0].myRoles).toEqual(['coordinator']);

    const detail = await coordinator.client.get(`/studies/${visible.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.statusCounts).toMatchObject({
      processing: 0,
      rejected: 0,
      'awaiting-raters': 0,
      reading: 0,
      adjudicating: 0,
      final: 0,
    });
    expect((await coordinator.client.get(`/studies/${hidden.id}`)).status).toBe(404);
    expect((await coordinator.client.patch(`/studies/${visible.id}`, { title: 'x' })).status).toBe(
      403,
    );

    const all = await admin.get('/studies');
    const codes = (all.body as { code: string }[]).map((s) => s.code);
    expect(codes).toEqual(expect.arrayContaining(['S-VIS', 'S-HID']));
  });

  it('sets, lists and removes members with audit; refuses roles the user lacks globally', async () => {
    const admin = await make.admin();
    const study = await createStudy('S-MEM');
    const rater = await make.rater();
    const refused = await admin.put(`/studies/${study.id}/members/${rater.user.id}`, {
      roles: ['rater', 'coordinator'],
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.message)).toMatch(/coordinator/);
    expect(
      (await admin.put(`/studies/${study.id}/members/${rater.user.id}`, { roles: ['boss'] }))
        .status,
    ).toBe(400);

    expect(
      (await admin.put(`/studies/${study.id}/members/${rater.user.id}`, { roles: ['rater'] }))
        .status,
    ).toBe(200);
    const members = await admin.get(`/studies/${study.id}/members`);
    expect(members.body).toEqual([
      {
        userId: rater.user.id,
        email: rater.user.email,
        name: rater.user.name,
        roles: ['rater'],
        active: true,
      },
    ]);
    expect((await rater.client.get(`/studies/${study.id}/members`)).status).toBe(403);

    const removed = await admin.delete(`/studies/${study.id}/members/${rater.user.id}`);
    expect(removed.status).toBe(204);
    expect((await admin.get(`/studies/${study.id}/members`)).body).toEqual([]);
    expect((await admin.delete(`/studies/${study.id}/members/${rater.user.id}`)).status).toBe(404);
    expect((await rater.client.get(`/studies/${study.id}`)).status).toBe(404);

    const actions: { action: string; after: unknown }[] = await t.db.query(
      `SELECT action, after FROM audit_events WHERE entity_id = $1 AND action LIKE 'study.membership%'
        ORDER BY seq`,
      [study.id],
    );
    expect(actions.map((a) => a.action)).toEqual([
      'study.membership-changed',
      'study.membership-removed',
    ]);
    expect(actions[0].after).toEqual({ userId: rater.user.id, roles: ['rater'] });
  });

  it('tells membership listeners, inside the transaction, which roles came and went', async () => {
    const admin = await make.admin();
    const study = await createStudy('S-LSN');
    const seen: (MembershipChange & { rolesInTx: string[] })[] = [];
    const events = t.app.get(DomainEvents);
    // The listeners are the @OnDomainEvent('study.membership-changed') handlers.
    expect(events.handlerNames('study.membership-changed')).toEqual([
      'AssignmentService.onMembershipChanged',
      'EvaluationService.onMembershipChanged',
      'QualificationService.onMembershipChanged',
    ]);
    const publish = events.publish.bind(events);
    const spy = jest.spyOn(events, 'publish').mockImplementation(async (tx, name, payload) => {
      const change = payload as MembershipChange;
      if (name === 'study.membership-changed' && change.studyId === study.id) {
        // Published inside the membership transaction: it sees the change before it commits.
        const rows: { roles: string[] }[] = await tx.query(
          'SELECT roles FROM study_members WHERE study_id = $1 AND user_id = $2',
          [change.studyId, change.userId],
        );
        seen.push({ ...change, rolesInTx: rows[0]?.roles ?? [] });
      }
      return publish(tx, name, payload);
    });
    const user = await make.user(['rater', 'adjudicator']);
    const path = `/studies/${study.id}/members/${user.user.id}`;
    expect((await admin.put(path, { roles: ['rater'] })).status).toBe(200);
    expect((await admin.put(path, { roles: ['adjudicator'] })).status).toBe(200);
    expect((await admin.delete(path)).status).toBe(204);
    const userId = user.user.id;
    expect(seen).toEqual([
      { studyId: study.id, userId, addedRoles: ['rater'], removedRoles: [], rolesInTx: ['rater'] },
      {
        studyId: study.id,
        userId,
        addedRoles: ['adjudicator'],
        removedRoles: ['rater'],
        rolesInTx: ['adjudicator'],
      },
      { studyId: study.id, userId, addedRoles: [], removedRoles: ['adjudicator'], rolesInTx: [] },
    ]);
    spy.mockRestore();
  });

  it('a study role counts only while the user holds the matching global role', async () => {
    const admin = await make.admin();
    const study = await createStudy('S-GLOB');
    const user = await make.user(['coordinator', 'auditor']);
    await admin.put(`/studies/${study.id}/members/${user.user.id}`, {
      roles: ['coordinator', 'auditor'],
    });
    const service = t.app.get(StudiesService);
    const principal = { userId: user.user.id, roles: ['coordinator', 'auditor'] } as Principal;
    await expect(
      service.requireStudyRole(principal, study.id, ['coordinator']),
    ).resolves.toMatchObject({
      id: study.id,
    });
    // The same membership, but the user lost the global coordinator role.
    const demoted = { ...principal, roles: ['auditor'] } as Principal;
    await expect(service.requireStudyRole(demoted, study.id, ['coordinator'])).rejects.toThrow(
      'Study not found',
    );
    await expect(service.requireStudyRole(demoted, study.id, ['auditor'])).resolves.toBeDefined();
    // Admins pass staff checks everywhere, but are not raters of anything by being admins.
    const adminPrincipal = { userId: user.user.id, roles: ['admin'] } as Principal;
    await expect(
      service.requireStudyRole(adminPrincipal, study.id, ['auditor']),
    ).resolves.toBeDefined();
    await expect(service.requireStudyRole(adminPrincipal, study.id, ['rater'])).rejects.toThrow(
      'Study not found',
    );
    expect(await service.getSettings(study.id)).toEqual({
      maxDifference: 10,
      thresholds: [20],
      pairing: 'per-subject',
      adjudication: 'select-or-own',
      visits: [],
      signatureEverySigning: false,
      readerQuality: DEFAULT_READER_QUALITY,
    });

    // Over HTTP too: once the global coordinator role is gone, so is the study coordinator role.
    await admin.patch(`/users/${user.user.id}`, { roles: ['auditor'] });
    const listed = await user.client.get('/studies');
    expect(listed.status).toBe(200);
    const mine = (listed.body as { id: string; myRoles: string[] }[]).find(
      (s) => s.id === study.id,
    );
    expect(mine?.myRoles).toEqual(['auditor']);
  });

  it('an unknown study or user answers 404', async () => {
    const admin = await make.admin();
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await admin.get(`/studies/${missing}`)).status).toBe(404);
    expect((await admin.get(`/studies/not-a-uuid`)).status).toBe(404);
    const study = await createStudy('S-404');
    expect(
      (await admin.put(`/studies/${study.id}/members/${missing}`, { roles: ['rater'] })).status,
    ).toBe(404);
  });
});
