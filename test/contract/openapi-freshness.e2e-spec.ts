import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const DOCUMENT = join('docs', 'openapi.json');
const WEB_TYPES = join('web', 'src', 'openapi-types.ts');

/** scripts/openapi-document.ts as the package scripts run it, on the checkout at `root`. */
function generator(root: string, ...args: string[]): { status: number | null; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['-r', './scripts/swc-register.cjs', 'scripts/openapi-document.ts', '--root', root, ...args],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { status: run.status, stderr: run.stderr };
}

/**
 * `npm run lint:openapi` (`--check`) guards the committed contract: the document and the web
 * app's generated API types. Checked on a scratch copy so the committed files are never touched.
 */
describe('the OpenAPI freshness check', () => {
  let scratch: string;

  beforeAll(() => {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    scratch = mkdtempSync(join(ROOT, 'tmp', 'openapi-freshness-'));
    for (const file of [DOCUMENT, WEB_TYPES]) {
      mkdirSync(dirname(join(scratch, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(scratch, file));
    }
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes on the committed files', () => {
    expect(generator(scratch, '--check')).toEqual({ status: 0, stderr: '' });
  });

  it('fails naming the web types when they differ from a fresh generation, until regenerated', () => {
    const types = join(scratch, WEB_TYPES);
    const committed = readFileSync(types, 'utf8');
    // A hand edit of the generated file: the read task loses its `submitted` status.
    const edited = committed.replace("status: 'assigned' | 'submitted';", "status: 'assigned';");
    expect(edited).not.toBe(committed);
    writeFileSync(types, edited);

    const stale = generator(scratch, '--check');
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain(`${WEB_TYPES} no longer match`);
    expect(stale.stderr).not.toContain(DOCUMENT);

    expect(generator(scratch).status).toBe(0);
    expect(readFileSync(types, 'utf8')).toBe(committed);
    expect(generator(scratch, '--check').status).toBe(0);
  });

  it('fails when the web types are missing', () => {
    rmSync(join(scratch, WEB_TYPES));
    const missing = generator(scratch, '--check');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(WEB_TYPES);
  });
});
