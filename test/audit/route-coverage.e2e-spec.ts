import { Make } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { lastSeq } from './audit-support';
import { ROUTE_EXEMPTIONS, ROUTE_RECIPES } from './route-recipes';

const STATE_CHANGING = ['post', 'put', 'patch', 'delete'];
const PREFIX = '/api/v1';

/** `"METHOD /path"` for every state-changing operation in the served OpenAPI document. */
async function stateChangingOperations(t: TestApp): Promise<string[]> {
  const response = await t.http().get('/api/docs-json').expect(200);
  const paths = (response.body as { paths: Record<string, Record<string, unknown>> }).paths;
  const operations: string[] = [];
  for (const [path, methods] of Object.entries(paths)) {
    for (const method of Object.keys(methods)) {
      if (!STATE_CHANGING.includes(method)) continue;
      const route = path.startsWith(PREFIX) ? path.slice(PREFIX.length) : path;
      operations.push(`${method.toUpperCase()} ${route}`);
    }
  }
  return operations.sort();
}

describe('audit coverage of state-changing routes', () => {
  let t: TestApp;
  let make: Make;
  let operations: string[];

  beforeAll(async () => {
    t = await startTestApp();
    make = new Make(t);
    operations = await stateChangingOperations(t);
  });
  afterAll(() => t.close());

  it('finds the state-changing routes in the OpenAPI document', () => {
    // A sanity floor: the foundation's own routes are there, so an empty list is a bug here.
    expect(operations).toEqual(
      expect.arrayContaining(['POST /auth/login', 'POST /users', 'PATCH /users/{id}']),
    );
  });

  it('gives each one a recipe leaving exactly one audit event, or a commented exemption', async () => {
    const failures: string[] = [];
    for (const operation of operations) {
      if (operation in ROUTE_EXEMPTIONS) {
        if (operation in ROUTE_RECIPES) failures.push(`${operation}: both recipe and exemption`);
        continue;
      }
      const recipe = ROUTE_RECIPES[operation];
      if (!recipe) {
        failures.push(
          `${operation}: no recipe and no exemption. Add a recipe to ROUTE_RECIPES in ` +
            'test/audit/route-recipes.ts (or, if the route truly records nothing, an entry in ' +
            'ROUTE_EXEMPTIONS saying why).',
        );
        continue;
      }
      let mark = await lastSeq(t.db);
      try {
        const expected = await recipe({
          t,
          make,
          mark: async () => {
            mark = await lastSeq(t.db);
          },
        });
        // Only events of HTTP requests count: background jobs record without a request id.
        const events: { action: string; request_id: string }[] = await t.db.query(
          `SELECT action, request_id FROM audit_events
            WHERE seq > $1 AND request_id IS NOT NULL ORDER BY seq`,
          [mark],
        );
        const actions = events.map((e) => e.action);
        // Usually one event; a request that changes two records (a decision and the final
        // score it creates) lists both, in order.
        const expectedActions = Array.isArray(expected) ? expected : [expected];
        if (actions.join(', ') !== expectedActions.join(', ')) {
          failures.push(
            `${operation}: expected exactly [${expectedActions.join(', ')}], got [${actions.join(', ')}]`,
          );
        }
      } catch (error) {
        failures.push(`${operation}: recipe failed: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('has no recipes or exemptions for routes that no longer exist', () => {
    const stale = [...Object.keys(ROUTE_RECIPES), ...Object.keys(ROUTE_EXEMPTIONS)].filter(
      (operation) => !operations.includes(operation),
    );
    expect(stale).toEqual([]);
  });
});
