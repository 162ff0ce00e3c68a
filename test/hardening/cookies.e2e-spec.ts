import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp } from '../support/test-app';
import { API } from '../support/factories';

/** The session cookie of a fresh login on an app started with `env`. */
async function sessionCookie(env: Record<string, string>): Promise<string> {
  const t = await startTestApp({ env });
  try {
    const response = await t
      .http()
      .post(`${API}/auth/login`)
      .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
      .expect(200);
    const cookies = response.headers['set-cookie'] as unknown as string[];
    return cookies.find((cookie) => cookie.startsWith('salt_session='))!;
  } finally {
    await t.close();
  }
}

describe('session cookie: Secure by default in production', () => {
  it('is Secure with NODE_ENV=production unless COOKIE_SECURE=false says otherwise', async () => {
    expect(await sessionCookie({ NODE_ENV: 'production' })).toMatch(/;\s*Secure/i);
    expect(await sessionCookie({ NODE_ENV: 'production', COOKIE_SECURE: 'false' })).not.toMatch(
      /;\s*Secure/i,
    );
    // Development over plain http keeps working without any setting.
    expect(await sessionCookie({ NODE_ENV: 'development' })).not.toMatch(/;\s*Secure/i);
    expect(await sessionCookie({ COOKIE_SECURE: 'true' })).toMatch(/;\s*Secure/i);
  });
});
