import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Document {
  paths: Record<string, unknown>;
  components: {
    schemas: Record<string, { properties: Record<string, unknown>; required: string[] }>;
  };
}

/** `tsc -p web/tsconfig.json` on a copy of the web app; the compiler's output, '' when clean. */
function compileWeb(web: string): string {
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(web, 'tsconfig.json')],
      { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' },
    );
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

/**
 * The web app's API types are the ones generated from the OpenAPI document, not a hand-kept copy:
 * a copy of the app compiles against types generated from docs/openapi.json, and stops compiling
 * when the document loses a field a page reads or an operation the app calls.
 */
describe('the web app against types generated from the OpenAPI document', () => {
  let scratch: string;
  let document: Document;

  /** A copy of web/ whose openapi-types.ts is openapi-typescript's output for `changed`. */
  function webWith(name: string, changed: Document): string {
    const web = join(scratch, name);
    cpSync(join(ROOT, 'web'), web, { recursive: true });
    const input = join(scratch, `${name}.json`);
    writeFileSync(input, JSON.stringify(changed));
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'),
        input,
        '--output',
        join(web, 'src', 'openapi-types.ts'),
      ],
      { stdio: 'pipe' },
    );
    return web;
  }

  beforeAll(() => {
    // Inside the repo, so the copy resolves react, vite and openapi-fetch from node_modules.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    scratch = mkdtempSync(join(ROOT, 'tmp', 'web-api-types-'));
    document = JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8')) as Document;
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('compiles against the types generated from the committed document', () => {
    expect(compileWeb(webWith('as-documented', document))).toBe('');
  });

  it('does not compile once the document drops a field a page reads or an operation it calls', () => {
    const changed = structuredClone(document);
    const task = changed.components.schemas.ReadTaskDto;
    delete task.properties.readCode;
    task.required = task.required.filter((field) => field !== 'readCode');
    delete changed.paths['/api/v1/reads/next'];

    const output = compileWeb(webWith('changed', changed));
    expect(output).toMatch(/src\/pages\/ScoringPage\.tsx.*Property 'readCode' does not exist/);
    const apiSource = readFileSync(join(ROOT, 'web', 'src', 'api.ts'), 'utf8').split('\n');
    const nextReadLine = apiSource.findIndex((line) => line.includes("'/api/v1/reads/next'")) + 1;
    expect(nextReadLine).toBeGreaterThan(0);
    expect(output).toContain(`src/api.ts(${nextReadLine},`);
  });
});
