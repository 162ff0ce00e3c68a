import { API, Make, MadeUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('API tokens: scopes, no token minting, and death by password change', () => {
  let t: TestApp;
  let make: Make;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
  });
  afterAll(() => t.close());

  const bearer = (token: string) => ({
    get: (path: string) =>
      t
        .http()
        .get(API + path)
        .set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) =>
      t
        .http()
        .post(API + path)
        .set('Authorization', `Bearer ${token}`)
        .send(body),
    delete: (path: string) =>
      t
        .http()
        .delete(API + path)
        .set('Authorization', `Bearer ${token}`),
  });

  async function createToken(owner: MadeUser, body: object) {
    const response = await owner.client.post('/auth/tokens', body);
    expect(response.status).toBe(201);
    return response.body as { id: string; token: string; scope: string; name: string };
  }

  it('shows the scope chosen at creation, full by default, in the answer and the list', async () => {
    const owner = await make.coordinator();
    const full = await createToken(owner, { name: 'sync' });
    const read = await createToken(owner, { name: 'dashboard', scope: 'read' });
    expect(full.scope).toBe('full');
    expect(read.scope).toBe('read');
    const listed = await owner.client.get('/auth/tokens').expect(200);
    expect(
      (listed.body as { name: string; scope: string }[])
        .map(({ name, scope }) => ({ name, scope }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    ).toEqual([
      { name: 'dashboard', scope: 'read' },
      { name: 'sync', scope: 'full' },
    ]);
    const bad = await owner.client.post('/auth/tokens', { name: 'x', scope: 'admin' });
    expect(bad.status).toBe(400);
    const [event] = await t.db.query(
      `SELECT after FROM audit_events WHERE action = 'token.created' AND entity_id = $1`,
      [read.id],
    );
    expect(event.after).toEqual({ name: 'dashboard', scope: 'read' });
  });

  it('lets a read token only read', async () => {
    const admin = await make.user(['admin']);
    const read = await createToken(admin, { name: 'reader', scope: 'read' });
    const other = await createToken(admin, { name: 'other' });
    await bearer(read.token).get('/auth/me').expect(200);
    await bearer(read.token).get('/users').expect(200);
    const write = await bearer(read.token).post('/studies', { code: 'RO-1', title: 'Read only' });
    expect(write.status).toBe(403);
    expect(write.body.message).toMatch(/only read/);
    await bearer(read.token).delete(`/auth/tokens/${other.id}`).expect(403);
    const studies: unknown[] = await t.db.query(`SELECT 1 FROM studies WHERE code = 'RO-1'`);
    expect(studies).toEqual([]);
    // The same owner's full token may write.
    await bearer(other.token).post('/studies', { code: 'RW-1', title: 'Full' }).expect(201);
  });

  it('refuses to create a token with a token', async () => {
    const owner = await make.rater();
    const full = await createToken(owner, { name: 'full' });
    const minted = await bearer(full.token).post('/auth/tokens', { name: 'child' });
    expect(minted.status).toBe(403);
    const rows: unknown[] = await t.db.query(
      `SELECT 1 FROM api_tokens WHERE user_id = $1 AND name = 'child'`,
      [owner.user.id],
    );
    expect(rows).toEqual([]);
  });

  it('revokes every token of a user whose password changes, by themselves or an admin', async () => {
    const self = await make.auditor();
    const selfToken = await createToken(self, { name: 'mine' });
    await bearer(selfToken.token).get('/auth/me').expect(200);
    await self.client
      .post('/auth/password', { currentPassword: self.password, newPassword: 'a-brand-new-pass' })
      .expect(204);
    await bearer(selfToken.token).get('/auth/me').expect(401);
    const [selfEvent] = await t.db.query(
      `SELECT after FROM audit_events WHERE action = 'auth.password-changed' AND entity_id = $1`,
      [self.user.id],
    );
    expect(selfEvent.after).toMatchObject({ tokensRevoked: 1 });

    const reset = await make.coordinator();
    const tokens = [
      await createToken(reset, { name: 'one' }),
      await createToken(reset, { name: 'two', scope: 'read' }),
    ];
    const admin = await make.admin();
    await admin.patch(`/users/${reset.user.id}`, { name: 'Renamed' }).expect(200);
    await bearer(tokens[0].token).get('/auth/me').expect(200);
    await admin.patch(`/users/${reset.user.id}`, { password: 'reset-by-the-admin' }).expect(200);
    for (const token of tokens) await bearer(token.token).get('/auth/me').expect(401);
    const revoked: { action: string; reason: string }[] = await t.db.query(
      `SELECT action, reason FROM audit_events WHERE entity_id = ANY($1::text[]) ORDER BY seq`,
      [tokens.map((token) => token.id)],
    );
    expect(revoked).toEqual([
      { action: 'token.created', reason: null },
      { action: 'token.created', reason: null },
      { action: 'token.revoked', reason: 'password changed' },
      { action: 'token.revoked', reason: 'password changed' },
    ]);
  });
});
