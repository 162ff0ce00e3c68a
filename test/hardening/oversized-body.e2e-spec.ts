import { ApiClient, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A JSON body over the parser's 1 MB limit is a 413 with the one error body, and the OpenAPI
 * document declares that answer (the test client checks every response against it).
 */
describe('an oversized JSON body', () => {
  let t: TestApp;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await new Make(t).admin();
  });
  afterAll(() => t.close());

  it('is refused with 413, stores nothing, and is what the contract declares', async () => {
    const before = await admin.get('/studies').expect(200);
    const response = await admin
      .post('/studies', { code: 'BIG-1', title: 'x'.repeat(1_100_000) })
      .expect(413);
    expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    expect(typeof response.body.requestId).toBe('string');
    const after = await admin.get('/studies').expect(200);
    expect(after.body).toEqual(before.body);
  });

  it('on sign-in too (a public route)', async () => {
    const response = await t
      .http()
      .post('/api/v1/auth/login')
      .send({ email: 'someone@example.org', password: 'p'.repeat(1_100_000) })
      .expect(413);
    expect(response.body.statusCode).toBe(413);
  });
});
