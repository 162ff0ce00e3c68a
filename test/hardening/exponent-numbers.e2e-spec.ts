import { createStudy, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * class-validator's `maxDecimalPlaces` reads the digits after a '.' in a number's text and
 * threw on numbers written without one, such as 1e-7 (found by the fuzz test): a 500.
 */
describe('numbers in exponent notation in study settings', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('are judged by their value: 400 for more than one decimal, accepted otherwise', async () => {
    const admin = await new Make(t).admin();
    const study = await createStudy(admin);
    for (const settings of [
      { maxDifference: 1e-7 },
      { thresholds: [1e-7] },
      { maxDifference: 2.5e-1 },
    ]) {
      const refused = await admin
        .patch(`/studies/${study.id}`, { settings, reason: 'exponents' })
        .expect(400);
      expect(JSON.stringify(refused.body.message)).toMatch(/at most one decimal/);
    }
    const accepted = await admin
      .patch(`/studies/${study.id}`, { settings: { maxDifference: 1.5e1 }, reason: 'fifteen' })
      .expect(200);
    expect((accepted.body as { settings: { maxDifference: number } }).settings.maxDifference).toBe(
      15,
    );
  });
});
