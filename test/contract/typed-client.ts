import createClient from 'openapi-fetch';
import type { paths } from './openapi-types';

/**
 * A rater's whole read through a client generated from the OpenAPI document (openapi-typescript
 * types, openapi-fetch calls), with no cast and no `any`: typed-client.e2e-spec.ts compiles this
 * file alone under `tsc --strict` and then runs it against a real app. When the document leaves
 * a success response without a schema, `data.user`, `data.items` and `data.salt` are of type
 * `never` and the compile fails.
 */

export interface TypedReadOutcome {
  userId: string;
  roles: string[];
  openBefore: number;
  readCode: string;
  salt: number;
  submittedAt: string;
  openAfter: number;
}

export async function scoreFirstReadTyped(
  baseUrl: string,
  email: string,
  password: string,
  scores: { top: number; back: number; left: number; right: number },
): Promise<TypedReadOutcome> {
  const api = createClient<paths>({ baseUrl });

  const login = await api.POST('/api/v1/auth/login', { body: { email, password } });
  if (!login.data) throw new Error(`login answered ${login.response.status}`);
  const session = login.response.headers.get('set-cookie')?.split(';')[0];
  if (!session) throw new Error('login set no session cookie');
  const headers = { cookie: session };

  const queue = await api.GET('/api/v1/reads', { headers });
  if (!queue.data) throw new Error(`listing reads answered ${queue.response.status}`);
  const first = queue.data.items[0];
  if (!first) throw new Error('no open read');

  const path = { id: first.id };
  const task = await api.GET('/api/v1/reads/{id}', { params: { path }, headers });
  if (!task.data) throw new Error(`opening the read answered ${task.response.status}`);

  const scored = await api.POST('/api/v1/reads/{id}/score', {
    params: { path },
    // The first signing of the session re-enters the password (21 CFR 11.200).
    body: { ...scores, password },
    headers,
  });
  if (!scored.data) {
    throw new Error(`scoring answered ${scored.response.status}: ${JSON.stringify(scored.error)}`);
  }

  // Every view was scored, so the answer is the SALT score, not the not-evaluable one.
  if (!('salt' in scored.data)) throw new Error('scoring answered with not-evaluable views');

  const after = await api.GET('/api/v1/reads', { headers });
  if (!after.data) throw new Error(`listing reads answered ${after.response.status}`);

  return {
    userId: login.data.user.id,
    roles: login.data.user.roles,
    openBefore: queue.data.counts.open,
    readCode: task.data.readCode,
    salt: scored.data.salt,
    submittedAt: scored.data.submittedAt,
    openAfter: after.data.counts.open,
  };
}
