import { createStudy, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * DESIGN's blinding table separates those who read blind (rater, adjudicator) from those who see
 * subject, visit, date and results (coordinator, auditor). One person holding both in a study
 * would see the unblinded side of the very sets they score.
 */
describe('study roles that would break blinding', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  it('are refused with 400 naming both sides, and nothing is stored', async () => {
    const admin = await make.admin();
    const study = await createStudy(admin);
    const both = await make.user(['rater', 'adjudicator', 'coordinator', 'auditor']);
    for (const roles of [
      ['rater', 'coordinator'],
      ['adjudicator', 'auditor'],
    ]) {
      const refused = await admin
        .put(`/studies/${study.id}/members/${both.user.id}`, { roles })
        .expect(400);
      expect(JSON.stringify(refused.body.message)).toMatch(/cannot also be its/);
    }
    expect((await admin.get(`/studies/${study.id}/members`)).body).toEqual([]);
  });

  it('allow either side alone, and a change of side', async () => {
    const admin = await make.admin();
    const study = await createStudy(admin);
    const both = await make.user(['rater', 'adjudicator', 'coordinator', 'auditor']);
    const path = `/studies/${study.id}/members/${both.user.id}`;
    await admin.put(path, { roles: ['rater', 'adjudicator'] }).expect(200);
    await admin.put(path, { roles: ['coordinator', 'auditor'] }).expect(200);
    const members = (await admin.get(`/studies/${study.id}/members`)).body as { roles: string[] }[];
    expect(members.map((member) => member.roles)).toEqual([['coordinator', 'auditor']]);
  });
});
