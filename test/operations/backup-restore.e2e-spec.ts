import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  ApiClient,
  login,
  Make,
  MadeUser,
  scores,
  studyWithTeam,
  TaskRow,
  tasksOf,
  waitForStatus,
} from '../support/factories';
import { fourViews, upload } from '../support/photo-fixtures';
import { waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { adminDatabaseUrl, databaseUrl } from '../support/test-env';

/** The newest installed client binary (pg_dump, pg_restore), as docs/operations.md uses them. */
function postgresBinary(name: 'pg_dump' | 'pg_restore'): string {
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((entry) => /^\d+$/.test(entry))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('no PostgreSQL client under /usr/lib/postgresql');
  return `/usr/lib/postgresql/${versions[0]}/bin/${name}`;
}

function bytesOf(test: ReturnType<ApiClient['get']>): Promise<Buffer> {
  return test
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    })
    .then((response) => {
      expect(response.status).toBe(200);
      return response.body as Buffer;
    });
}

/** The URL of `database` for a login role (the test server trusts local connections). */
function roleUrl(database: string, role: string): string {
  const url = new URL(databaseUrl(database));
  url.username = role;
  url.password = '';
  return url.toString();
}

async function asAdmin(statements: string[]): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * docs/operations.md, "Backup and restore", done as an operator would: a study half-way through
 * (two sets final, one still being read) is dumped with pg_dump and its photo store copied; both
 * are restored into a fresh database (as the owner role, --no-owner) and a fresh directory; the
 * app started on them as the non-owner app role verifies its audit trail, serves every final
 * result's images to the roles that may see them, and lets the unfinished read be completed.
 */
describe('backup and restore', () => {
  const work = mkdtempSync(join(tmpdir(), 'salt-backup-'));
  // The roles of docs/database-roles.md, fresh for this test: the restore runs as the owner (no
  // superuser), the restored app as the app role, which owns nothing.
  const suffix = randomBytes(4).toString('hex');
  const ownerRole = `salt_owner_${suffix}`;
  const appRole = `salt_app_${suffix}`;
  const restoredName = `salt_test_${process.env.SALT_TEST_RUN}_restored_${suffix}`;
  // The audit log's signing key lives outside the database and the photo store: it is backed up
  // separately and handed to the restored app, as the document says.
  const signingKey = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  let original: TestApp | undefined;
  let restored: TestApp | undefined;

  afterAll(async () => {
    await original?.close();
    await restored?.close();
    rmSync(work, { recursive: true, force: true });
    await asAdmin([
      `DROP DATABASE IF EXISTS "${restoredName}" WITH (FORCE)`,
      `DROP ROLE IF EXISTS ${appRole}`,
      `DROP ROLE IF EXISTS ${ownerRole}`,
    ]);
  });

  it('restores a mid-study backup with the audit chain intact and every final image served', async () => {
    original = await startTestApp({ env: { AUDIT_SIGNING_KEY: signingKey } });
    const t = original;
    const make = new Make(t);
    const team = await studyWithTeam(make, {
      raters: 3,
      adjudicators: 1,
      coordinators: 1,
      settings: { pairing: 'per-set' },
    });
    const auditor = await make.auditor();
    await team.admin.put(`/studies/${team.study.id}/members/${auditor.user.id}`, {
      roles: ['auditor'],
    });
    const coordinator = team.coordinators[0].client;

    // Three sets through upload and ingest, into reading.
    const ids: string[] = [];
    for (const [index, subject] of ['BK-1', 'BK-2', 'BK-3'].entries()) {
      const response = await upload(
        coordinator,
        team.study.id,
        { subjectCode: subject, visit: 'baseline', visitDate: '2026-01-20' },
        await fourViews(100 + index * 30),
      ).expect(202);
      ids.push(response.body.id as string);
    }
    await waitForStatus(t, ids, (status) => status === 'reading', 30_000);
    const tasks = await tasksOf(t, ids);
    const raterOf = (task: TaskRow): MadeUser =>
      team.raters.find((rater) => rater.user.id === task.raterId)!;
    const taskOf = (setId: string, slot: number): TaskRow =>
      tasks.find((task) => task.photoSetId === setId && task.slot === slot)!;
    const score = (setId: string, slot: number, salt: number) =>
      raterOf(taskOf(setId, slot))
        .client.post(`/reads/${taskOf(setId, slot).id}/score`, scores(salt))
        .expect(201);

    // BK-1 concordant (final), BK-2 discordant then adjudicated (final), BK-3 half read.
    await score(ids[0], 1, 30);
    await score(ids[0], 2, 32);
    await score(ids[1], 1, 10);
    await score(ids[1], 2, 60);
    await score(ids[2], 1, 44);
    await waitForStatus(t, [ids[1]], (status) => status === 'adjudicating');
    const adjudicator = team.adjudicators[0];
    const adjudication = await adjudicator.client.post('/adjudications/next').expect(200);
    await adjudicator.client
      .post(`/adjudications/${adjudication.body.id}/decision`, {
        choice: 'A',
        rationale: 'Read A matches all four photographs.',
      })
      .expect(201);
    await waitForStatus(t, ids.slice(0, 2), (status) => status === 'final');

    const finals = ids.slice(0, 2);
    const served = new Map<string, Buffer>();
    for (const id of finals) {
      served.set(id, await bytesOf(coordinator.get(`/photo-sets/${id}/images/top?size=display`)));
    }
    const resultsBefore = await coordinator.get(`/studies/${team.study.id}/results`).expect(200);

    // Backup: the database first, then the photo store. Objects are written before the rows
    // that name them commit, so every key in the dump is already in the store being copied.
    const databaseName = new URL(t.config.databaseUrl).pathname.slice(1);
    const dump = join(work, 'salt.dump');
    execFileSync(postgresBinary('pg_dump'), [
      '--format=custom',
      '--file',
      dump,
      databaseUrl(databaseName),
    ]);
    cpSync(t.config.storageDir, join(work, 'backup-photos'), { recursive: true });

    // The original is gone: its process, and its photo directory (close removes it).
    await t.close();
    original = undefined;

    // Restore into a fresh database, owned by the owner role, as that role (not a superuser).
    await asAdmin([
      `CREATE ROLE ${ownerRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`,
      `CREATE ROLE ${appRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`,
      `CREATE DATABASE "${restoredName}" OWNER ${ownerRole} TEMPLATE template0`,
    ]);
    execFileSync(postgresBinary('pg_restore'), [
      '--exit-on-error',
      '--single-transaction',
      '--no-owner',
      '--dbname',
      roleUrl(restoredName, ownerRole),
      dump,
    ]);
    // The app role's privileges, as docs/database-roles.md grants them after a migration.
    const owner = new Client({ connectionString: roleUrl(restoredName, ownerRole) });
    await owner.connect();
    try {
      for (const grant of [
        `GRANT CONNECT ON DATABASE "${restoredName}" TO ${appRole}`,
        `GRANT USAGE ON SCHEMA public TO ${appRole}`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${appRole}`,
        `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${appRole}`,
        `REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM ${appRole}`,
      ]) {
        await owner.query(grant);
      }
      const [tableOwner] = (
        await owner.query<{ owner: string }>(
          `SELECT tableowner AS owner FROM pg_tables WHERE tablename = 'audit_events'`,
        )
      ).rows;
      expect(tableOwner.owner).toBe(ownerRole);
    } finally {
      await owner.end();
    }
    const restoredPhotos = join(work, 'restored', 'photos');
    cpSync(join(work, 'backup-photos'), restoredPhotos, { recursive: true });

    restored = await startTestApp({
      database: restoredName,
      env: {
        DATABASE_URL: roleUrl(restoredName, appRole),
        STORAGE_DIR: restoredPhotos,
        AUDIT_SIGNING_KEY: signingKey,
      },
    });
    const r = restored;
    const again = (user: MadeUser): Promise<ApiClient> => login(r, user.user.email, user.password);

    // The audit trail verifies.
    const verify = await (await again(auditor)).get('/audit/verify').expect(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.checked).toBeGreaterThan(0);

    // The results are the same, and every final result's images are served to staff…
    const coordinatorAfter = await again(team.coordinators[0]);
    const auditorAfter = await again(auditor);
    const resultsAfter = await coordinatorAfter
      .get(`/studies/${team.study.id}/results`)
      .expect(200);
    expect(resultsAfter.body).toEqual(resultsBefore.body);
    for (const id of finals) {
      for (const client of [coordinatorAfter, auditorAfter]) {
        const bytes = await bytesOf(client.get(`/photo-sets/${id}/images/top?size=display`));
        expect(bytes.equals(served.get(id)!)).toBe(true);
      }
      // …to each of its own raters, and to nobody else's task.
      for (const slot of [1, 2]) {
        const task = taskOf(id, slot);
        const rater = await again(raterOf(task));
        for (const size of ['thumb', 'display', 'full']) {
          await bytesOf(rater.get(`/reads/${task.id}/images/back?size=${size}`));
        }
        const outsider = team.raters.find(
          (candidate) =>
            ![taskOf(id, 1), taskOf(id, 2)].some((t2) => t2.raterId === candidate.user.id),
        );
        if (outsider) {
          await (await again(outsider)).get(`/reads/${task.id}/images/back`).expect(404);
        }
      }
    }
    // …and to the adjudicator who decided.
    const adjudicatorAfter = await again(adjudicator);
    await bytesOf(adjudicatorAfter.get(`/adjudications/${adjudication.body.id}/images/right`));

    // Work in progress continues: the second read of BK-3 completes the set.
    const open = taskOf(ids[2], 2);
    const secondRater = await again(raterOf(open));
    await bytesOf(secondRater.get(`/reads/${open.id}/images/top`));
    await secondRater.post(`/reads/${open.id}/score`, scores(45)).expect(201);
    await waitForStatus(r, [ids[2]], (status) => status === 'final', 30_000);
    // The new events join the same trail (the audit log may seal them a moment after commit).
    let verifyAfter = await auditorAfter.get('/audit/verify').expect(200);
    await waitFor(async () => {
      verifyAfter = await auditorAfter.get('/audit/verify').expect(200);
      return (verifyAfter.body.checked as number) > (verify.body.checked as number);
    }, 20_000);
    expect(verifyAfter.body.ok).toBe(true);
  });
});
