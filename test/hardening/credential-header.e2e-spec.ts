import { API, Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The cross-site check lets Bearer-looking requests through (a browser never adds that header by
 * itself), so such a request must never be authenticated by the session cookie riding along.
 */
describe('an Authorization header beside the session cookie', () => {
  let t: TestApp;
  let cookie: string;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = await new Make(t).admin();
    cookie = admin.credential.cookie!;
  });
  afterAll(() => t.close());

  const tokenCount = async (): Promise<number> => {
    const [{ n }]: { n: number }[] = await t.db.query('SELECT count(*)::int AS n FROM api_tokens');
    return n;
  };

  it.each(['Bearer  not-a-token', 'Bearer\tnot-a-token', 'Bearer ', 'Basic YTpi'])(
    'with %p, a cross-site write is not made with the cookie (401, nothing stored)',
    async (authorization) => {
      const before = await tokenCount();
      const response = await t
        .http()
        .post(`${API}/auth/tokens`)
        .set('Cookie', cookie)
        .set('Authorization', authorization)
        .set('Origin', 'https://evil.example')
        .send({ name: 'planted' });
      expect([401, 403]).toContain(response.status);
      expect(await tokenCount()).toBe(before);
    },
  );

  it('the cookie alone still works, and so does a well-formed token alone', async () => {
    await t.http().get(`${API}/auth/me`).set('Cookie', cookie).expect(200);
    const created = await t
      .http()
      .post(`${API}/auth/tokens`)
      .set('Cookie', cookie)
      .send({ name: 'ci', scope: 'read' })
      .expect(201);
    await t
      .http()
      .get(`${API}/auth/me`)
      .set('Authorization', `Bearer   ${(created.body as { token: string }).token}`)
      .expect(200);
  });
});
