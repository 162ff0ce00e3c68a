import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const TEST_ROOT = resolve(__dirname, '..');
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;

interface SourceFile {
  path: string;
  text: string;
}

/** The folder directly under test/ that a path is in; undefined outside test/. */
function testFolderOf(path: string): string | undefined {
  const fromRoot = relative(TEST_ROOT, path);
  if (fromRoot.startsWith('..')) return undefined;
  return fromRoot.split(sep)[0];
}

/**
 * Every import (static, dynamic, require or re-export) that crosses from one feature folder of
 * test/ into another, or from test/support into a feature folder. Shared fixtures live in
 * test/support, so a feature's specs can move or change without breaking another feature's.
 */
function crossFolderImports(files: SourceFile[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = testFolderOf(file.path);
    for (const { fileName } of ts.preProcessFile(file.text, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const to = testFolderOf(resolve(dirname(file.path), fileName));
      if (to === undefined || to === from || (to === 'support' && from !== undefined)) continue;
      found.push(`${relative(TEST_ROOT, file.path)} imports ${fileName}`);
    }
  }
  return found;
}

function sourcesUnder(dir: string): SourceFile[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => SOURCE.test(name))
    .sort()
    .map((name) => join(dir, name))
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

describe('test fixtures stay in their folder', () => {
  it('no feature folder under test/ imports another feature folder; test/support imports none', () => {
    const files = sourcesUnder(TEST_ROOT);
    expect(files.map((file) => relative(TEST_ROOT, file.path))).toContain(
      join('support', 'factories.ts'),
    );
    expect(crossFolderImports(files)).toEqual([]);
  });

  it('catches every form of a crossing import and allows support, own folder and src/', () => {
    const at = (path: string, text: string): SourceFile => ({ path: join(TEST_ROOT, path), text });
    expect(
      crossFolderImports([
        at('results/a.e2e-spec.ts', "import { setIn } from '../reads/read-fixtures';"),
        at('audit/b.ts', "export { makeZip } from '../photo-sets/zip-helpers';"),
        at('web/c.ts', "const z = require('../photo-sets/zip-helpers');"),
        at('demo/d.ts', "const m = import('../reads/x');"),
        at('support/e.ts', "import { upload } from '../photo-sets/photo-helpers';"),
        at(
          'reads/ok.e2e-spec.ts',
          [
            "import { Make } from '../support/factories';",
            "import { local } from './local-helpers';",
            "import { SaltScore } from '../../src/scoring/salt';",
            "import sharp from 'sharp';",
          ].join('\n'),
        ),
        at('support/ok.ts', "import { waitFor } from './processes';"),
      ]),
    ).toEqual([
      'results/a.e2e-spec.ts imports ../reads/read-fixtures',
      'audit/b.ts imports ../photo-sets/zip-helpers',
      'web/c.ts imports ../photo-sets/zip-helpers',
      'demo/d.ts imports ../reads/x',
      'support/e.ts imports ../photo-sets/photo-helpers',
    ]);
  });
});
