import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// semver ships no types of its own; only these two functions are used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as {
  satisfies: (version: string, range: string) => boolean;
  minVersion: (range: string) => { version: string } | null;
};

const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
interface LockedPackage {
  version?: string;
  engines?: { node?: string };
  os?: string[];
  cpu?: string[];
}

/** The Node major of the Dockerfile's FROM lines, which must all agree. */
function imageNodeMajor(): number {
  const majors = [...read('Dockerfile').matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
  expect(new Set(majors).size).toBe(1);
  return majors[0];
}

describe('what users install', () => {
  it('runs the image on an even-numbered (LTS) Node line newer than 20', () => {
    const major = imageNodeMajor();
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(24);
  });

  it("declares engines that hold both the dev machines' Node 20 and the image's Node", () => {
    const { engines } = JSON.parse(read('package.json')) as { engines: { node: string } };
    const image = `${imageNodeMajor()}.0.0`;
    expect(semver.satisfies('20.19.0', engines.node)).toBe(true);
    expect(
      semver.satisfies(image, engines.node) ||
        semver.satisfies(`${image.split('.')[0]}.12.0`, engines.node),
    ).toBe(true);
    // Nest 12 is ESM-only and loads through require(esm): 20.19+ or 22.12+.
    expect(semver.satisfies('20.18.0', engines.node)).toBe(false);
    expect(semver.satisfies('22.11.0', engines.node)).toBe(false);
  });

  it('installs no package whose engines exclude Node 20.19 or the image Node (no EBADENGINE)', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, LockedPackage>;
    };
    const image = `${imageNodeMajor()}.99.0`;
    const refused = Object.entries(lock.packages)
      .filter(([path, pkg]) => path && pkg.engines?.node)
      // Packages for other platforms are never installed here or in the image.
      .filter(
        ([, pkg]) => (!pkg.os || pkg.os.includes('linux')) && (!pkg.cpu || pkg.cpu.includes('x64')),
      )
      .filter(
        ([, pkg]) => !['20.19.0', image].every((v) => semver.satisfies(v, pkg.engines!.node!)),
      )
      .map(([path, pkg]) => `${path}@${pkg.version} wants node ${pkg.engines!.node}`);
    expect(refused).toEqual([]);
  });

  it('hashes passwords without a compiled install script (the slim image has no compiler)', () => {
    const { dependencies } = JSON.parse(read('package.json')) as {
      dependencies: Record<string, string>;
    };
    expect(dependencies).not.toHaveProperty('argon2');
    expect(dependencies).toHaveProperty('@node-rs/argon2');
    expect(read('Dockerfile')).toMatch(/npm ci [^\n]*--ignore-scripts/);
  });

  it('keeps Postgres and Redis inside compose unless the ports override is added', () => {
    const compose = parse(read('docker-compose.yml')) as {
      services: Record<string, ComposeService>;
    };
    expect(compose.services.db.ports).toBeUndefined();
    expect(compose.services.redis.ports).toBeUndefined();
    const override = parse(read('docker-compose.ports.yml')) as {
      services: Record<string, ComposeService>;
    };
    for (const service of ['db', 'redis']) {
      expect(override.services[service].ports?.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
    }
  });

  it('runs the app as the non-owner role after an owner-role migrate step', () => {
    const { services } = parse(read('docker-compose.yml')) as {
      services: Record<string, ComposeService>;
    };
    expect(services.migrate.environment?.DATABASE_URL).toMatch(/^postgres:\/\/salt_owner:/);
    expect(services.migrate.environment?.SALT_APP_DB_ROLE).toBe('salt_app');
    expect(services.app.environment?.DATABASE_URL).toMatch(/^postgres:\/\/salt_app:/);
    expect(services.app.environment?.SALT_MIGRATE).toBe('false');
    expect(services.app.depends_on?.migrate.condition).toBe('service_completed_successfully');
    expect(read('deploy/postgres-init/10-salt-roles.sh')).toMatch(
      /CREATE ROLE salt_app LOGIN [^;]*NOSUPERUSER/,
    );
  });

  it('has CI run the full check and the image smoke', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm run check$/m);
    expect(ci).toMatch(/^node scripts\/image-smoke\.mjs/m);
  });
});
