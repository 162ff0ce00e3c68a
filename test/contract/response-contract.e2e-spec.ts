import request from 'supertest';
import { openApiDocument } from '../../src/app.factory';
import { API, Make, createStudy } from '../support/factories';
import { contractChecked, OpenApiContract, OpenApiDocumentLike } from '../support/openapi-contract';
import { startTestApp, TestApp } from '../support/test-app';

interface Document extends OpenApiDocumentLike {
  paths: Record<string, Record<string, { responses: Record<string, Record<string, unknown>> }>>;
  components: { schemas: Record<string, { properties: object; required: string[] }> };
}

/**
 * The check that test-app.ts puts on every response (test/support/openapi-contract.ts), shown
 * failing on documents that are wrong in the ways issue 17 found, with real responses.
 */
describe('responses checked against the OpenAPI document', () => {
  let t: TestApp;
  let make: Make;
  let current: Document;

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    current = openApiDocument(t.app) as unknown as Document;
  });
  afterAll(() => t.close());

  /** A supertest agent checked against a copy of the document that `edit` has changed. */
  function agentFor(edit: (document: Document) => void) {
    const document = structuredClone(current);
    edit(document);
    return contractChecked(request(t.app.getHttpServer()), new OpenApiContract(document));
  }

  async function contractError(pending: PromiseLike<unknown>): Promise<string> {
    try {
      await pending;
    } catch (error) {
      return (error as Error).message;
    }
    return '';
  }

  it('fails the 204 of POST /reads/next on a document that declares only 200', async () => {
    const { client } = await make.rater();
    const cookie = client.credential.cookie!;
    const before17 = agentFor((document) => {
      delete document.paths[`${API}/reads/next`].post.responses['204'];
    });
    const message = await contractError(before17.post(`${API}/reads/next`).set('Cookie', cookie));
    expect(message).toMatch(/POST \/api\/v1\/reads\/next answered 204, which the OpenAPI/);

    // The served document declares it, so the same request passes the check.
    const served = agentFor(() => undefined);
    await served.post(`${API}/reads/next`).set('Cookie', cookie).expect(204);
  });

  it('fails a body carrying a field the document does not list', async () => {
    const { client } = await make.rater();
    const withoutEmail = agentFor((document) => {
      const me = document.components.schemas.MeDto;
      delete (me.properties as Record<string, unknown>).email;
      me.required = me.required.filter((name) => name !== 'email');
    });
    const message = await contractError(
      withoutEmail.get(`${API}/auth/me`).set('Cookie', client.credential.cookie!),
    );
    expect(message).toMatch(/GET \/api\/v1\/auth\/me 200 body must NOT have additional .*: email/);
  });

  it('fails a body missing a required field, and an error body that is not the shared one', async () => {
    const { client } = await make.rater();
    const cookie = client.credential.cookie!;
    const withExtraRequired = agentFor((document) => {
      document.components.schemas.MeDto.required.push('active');
      document.components.schemas.ErrorBodyDto.required.push('details');
    });
    expect(
      await contractError(withExtraRequired.get(`${API}/auth/me`).set('Cookie', cookie)),
    ).toMatch(/body must have required property 'active'/);
    expect(await contractError(withExtraRequired.get(`${API}/auth/me`))).toMatch(
      /GET \/api\/v1\/auth\/me 401 body must have required property 'details'/,
    );
  });

  it('checks the content type of a CSV answer, not its bytes', async () => {
    const admin = await make.admin();
    const study = await createStudy(admin);
    const cookie = admin.credential.cookie!;
    const path = `${API}/studies/${study.id}/results?format=csv`;
    const csvAsText = agentFor((document) => {
      const ok = document.paths[`${API}/studies/{id}/results`].get.responses['200'];
      const content = ok.content as Record<string, unknown>;
      content['text/plain'] = content['text/csv'];
      delete content['text/csv'];
    });
    expect(await contractError(csvAsText.get(path).set('Cookie', cookie))).toMatch(
      /sent content type text\/csv; the document lists application\/json, text\/plain/,
    );
    await agentFor(() => undefined)
      .get(path)
      .set('Cookie', cookie)
      .expect(200)
      .expect('Content-Type', /text\/csv/);
  });

  it('leaves requests alone that reach no documented operation', async () => {
    const strict = agentFor(() => undefined);
    await strict.get('/api/docs-json').expect(200);
    await strict.get(`${API}/no-such-route`).expect(404);
  });

  it('matches a literal path segment before a parameter', () => {
    const contract = new OpenApiContract(current);
    expect(contract.route('post', `${API}/reads/next`)?.template).toBe(`${API}/reads/next`);
    expect(contract.route('get', `${API}/audit/verify?from=1`)?.template).toBe(
      `${API}/audit/verify`,
    );
    expect(contract.route('get', `${API}/audit/entities/photo-set/abc`)?.template).toBe(
      `${API}/audit/entities/{type}/{id}`,
    );
  });
});
