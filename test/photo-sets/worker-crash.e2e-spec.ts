import sharp from 'sharp';
import { VIEWS } from '../../src/photo-sets/photo-set.entity';
import { Make, studyWithCoordinator, StudySetup } from '../support/factories';
import { upload, ViewFiles } from '../support/photo-fixtures';
import { buildServer, spawnNode, Spawned, waitFor } from '../support/processes';
import { startTestApp, TestApp } from '../support/test-app';
import { storedFiles } from './photo-helpers';

const SETS = 6;

/** Noisy, large enough that re-encoding takes a moment: the worker can be caught mid-ingest. */
function noisyJpeg(): Promise<Buffer> {
  return sharp({
    create: {
      width: 2400,
      height: 1800,
      channels: 3,
      background: { r: 128, g: 100, b: 90 },
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 80 })
    .toBuffer();
}

describe('a worker killed in the middle of ingest', () => {
  let mainJs: string;
  let t: TestApp;
  let setup: StudySetup;
  const workers: Spawned[] = [];

  beforeAll(async () => {
    mainJs = buildServer();
    // This process only serves HTTP; ingest runs in the spawned worker processes.
    t = await startTestApp({ env: { SALT_ROLE: 'api' } });
    setup = await studyWithCoordinator(new Make(t));
  }, 180_000);

  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await Promise.all(workers.map((worker) => worker.exited));
    await t.close();
  });

  function startWorker(): Spawned {
    const worker = spawnNode(mainJs, {
      SALT_ROLE: 'worker',
      DATABASE_URL: t.config.databaseUrl,
      REDIS_URL: t.config.redisUrl,
      QUEUE_PREFIX: t.config.queuePrefix,
      STORAGE_DIR: t.config.storageDir,
      SALT_MIGRATE: 'false',
      RECONCILE_EVERY_MS: '1000',
      LOG_LEVEL: 'warn',
    });
    workers.push(worker);
    return worker;
  }

  it('processes each set exactly once after restart, with no duplicates and no orphans served', async () => {
    const bytes = await noisyJpeg();
    const files = Object.fromEntries(VIEWS.map((view) => [view, { bytes }])) as ViewFiles;
    const ids: string[] = [];
    for (let i = 0; i < SETS; i++) {
      const response = await upload(
        setup.coordinator.client,
        setup.studyId,
        { subjectCode: `K${i}`, visit: 'baseline' },
        files,
      );
      expect(response.status).toBe(202);
      ids.push((response.body as { id: string }).id);
    }

    // Kill the worker once a set has claimed its rendition keys and written some of them, but
    // has not committed: exactly the moment a crash leaves files no row refers to.
    const first = startWorker();
    let staged: string[] = [];
    await waitFor(
      async () => {
        const rows: { staged_keys: string[] }[] = await t.db.query(
          `SELECT staged_keys FROM photo_sets WHERE status = 'processing' AND staged_keys <> '{}'`,
        );
        const onDisk = new Set(storedFiles(t.config.storageDir, 'renditions'));
        const caught = rows.find((row) => row.staged_keys.some((key) => onDisk.has(key)));
        if (caught) staged = caught.staged_keys;
        return caught !== undefined;
      },
      90_000,
      10,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    expect(first.signal()).toBe('SIGKILL');

    // The killed attempt's files exist on disk but nothing refers to them: not served, not ready.
    const orphans = staged.filter((key) =>
      storedFiles(t.config.storageDir, 'renditions').includes(key),
    );
    expect(orphans.length).toBeGreaterThan(0);
    const live: { n: number }[] = await t.db.query(
      `SELECT count(*)::int AS n FROM photo_images
        WHERE full_key = ANY($1) OR display_key = ANY($1) OR thumb_key = ANY($1)`,
      [orphans],
    );
    expect(live[0].n).toBe(0);

    startWorker();
    await waitFor(
      async () => {
        const rows: { n: number }[] = await t.db.query(
          `SELECT count(*)::int AS n FROM photo_sets WHERE status = 'processing'`,
        );
        return rows[0].n === 0;
      },
      120_000,
      200,
    );

    const sets: { id: string; status: string; staged_keys: string[] }[] = await t.db.query(
      `SELECT id, status, staged_keys FROM photo_sets WHERE study_id = $1 ORDER BY id`,
      [setup.studyId],
    );
    expect(sets.map((s) => s.id)).toEqual([...ids].sort());
    for (const set of sets) {
      expect(['processing', 'rejected']).not.toContain(set.status);
      expect(set.staged_keys).toEqual([]);
    }
    const events: { entity_id: string; action: string; n: number }[] = await t.db.query(
      `SELECT entity_id, action, count(*)::int AS n FROM audit_events
        WHERE action IN ('photo-set.uploaded', 'photo-set.ready', 'photo-set.rejected')
        GROUP BY entity_id, action ORDER BY entity_id, action`,
    );
    expect(events).toEqual(
      [...ids].sort().flatMap((id) => [
        { entity_id: id, action: 'photo-set.ready', n: 1 },
        { entity_id: id, action: 'photo-set.uploaded', n: 1 },
      ]),
    );

    // On disk: exactly the renditions and originals the database refers to, nothing else.
    const keys: {
      full_key: string;
      display_key: string;
      thumb_key: string;
      original_key: string;
    }[] = await t.db.query(
      `SELECT full_key, display_key, thumb_key, original_key FROM photo_images
          WHERE photo_set_id = ANY($1) AND status = 'ready'`,
      [ids],
    );
    expect(keys).toHaveLength(SETS * 4);
    const renditions = keys.flatMap((k) => [k.full_key, k.display_key, k.thumb_key]).sort();
    const notTemp = (key: string): boolean => !key.split('/').pop()?.startsWith('.tmp-');
    expect(storedFiles(t.config.storageDir, 'renditions').filter(notTemp)).toEqual(renditions);
    expect(storedFiles(t.config.storageDir, 'originals').filter(notTemp)).toEqual(
      keys.map((k) => k.original_key).sort(),
    );
    for (const orphan of orphans) expect(renditions).not.toContain(orphan);
  }, 300_000);
});
