import { randomBytes } from 'node:crypto';
import { PhotoSetsService } from '../../src/photo-sets/photo-sets.service';
import { QueueProducer } from '../../src/queue/queue.producer';
import { QueueName } from '../../src/queue/queue-names';
import { ReconcileProcessor } from '../../src/queue/reconcile.job';
import { OrphanSweeper } from '../../src/storage/orphan-sweeper';
import { newStorageKey, PHOTO_STORAGE, PhotoStorage } from '../../src/storage/photo-storage';
import { SWEEP_SCHEDULE_ID } from '../../src/storage/sweep-storage.job';
import { insertReadySet, Make, studyWithCoordinator } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { BACKENDS, startStorageBackend, StorageBackend } from './storage-backends';

const DAY = 24 * 3_600_000;

/**
 * A crash between storing a file and committing the row that refers to it leaves an orphan.
 * The sweeper must remove it once it is older than the grace period, on either backend, and must
 * never remove what a row refers to or what is young enough to belong to an open transaction.
 */
describe.each(BACKENDS)('orphan sweep on %s storage', (kind) => {
  let backend: StorageBackend;
  let t: TestApp;
  let make: Make;
  let storage: PhotoStorage;
  let sweeper: OrphanSweeper;

  beforeAll(async () => {
    backend = await startStorageBackend(kind);
    t = await startTestApp({ env: backend.env });
    make = new Make(t);
    storage = t.app.get<PhotoStorage>(PHOTO_STORAGE, { strict: false });
    sweeper = t.app.get(OrphanSweeper, { strict: false });
  });
  afterAll(async () => {
    await t?.close();
    await backend?.close();
  });

  const exists = async (key: string): Promise<boolean> => (await storage.stat(key)) !== null;
  const twoDaysAgo = (): Date => new Date(Date.now() - 2 * DAY);

  it('removes an old orphan of a crashed upload, keeps referenced, staged and young objects', async () => {
    const { studyId } = await studyWithCoordinator(make);
    // The upload stored its originals, then crashed before the transaction that inserts the set.
    const photoSets = t.app.get(PhotoSetsService, { strict: false });
    const crashed = await photoSets.stageOriginals([
      { view: 'top', bytes: randomBytes(200) },
      { view: 'back', bytes: randomBytes(200) },
    ]);
    const orphans = crashed.map((image) => image.originalKey);
    // No row refers to them, so nothing can serve them: images are opened only by a row's key.
    const [{ count }] = await t.db.query(
      `SELECT count(*)::int AS count FROM photo_images WHERE original_key = ANY($1)`,
      [orphans],
    );
    expect(count).toBe(0);

    // A finished set (renditions referenced by photo_images), just as old as the orphans.
    const ready = await insertReadySet(t, studyId, 'SWEEP-1', 'baseline');
    const referencedRows: { key: string }[] = await t.db.query(
      `SELECT unnest(ARRAY[full_key, display_key, thumb_key]) AS key FROM photo_images
        WHERE photo_set_id = $1`,
      [ready.id],
    );
    const referenced = referencedRows.map((row) => row.key);
    // An ingest attempt in flight: its files are recorded in staged_keys before they are written.
    const staged = newStorageKey('renditions');
    await storage.put(staged, Buffer.from('staged rendition'));
    await t.db.query(`UPDATE photo_sets SET staged_keys = ARRAY[$2] WHERE id = $1`, [
      ready.id,
      staged,
    ]);
    // An orphan younger than the grace period: its transaction may still commit.
    const young = newStorageKey('renditions');
    await storage.put(young, Buffer.from('young'));

    for (const key of [...orphans, ...referenced, staged]) await backend.age(key, twoDaysAgo());

    const result = await sweeper.sweep();
    expect(result.deleted).toBe(orphans.length);
    for (const key of orphans) expect(await exists(key)).toBe(false);
    for (const key of [...referenced, staged, young]) expect(await exists(key)).toBe(true);
    expect(result.referenced).toBeGreaterThanOrEqual(referenced.length + 1);
    expect(result.young).toBeGreaterThanOrEqual(1);

    // A second sweep finds nothing more to do.
    expect((await sweeper.sweep()).deleted).toBe(0);
  });

  it('refuses to sweep while a table holds key-like columns the sweeper does not know', async () => {
    const orphan = newStorageKey('originals');
    await storage.put(orphan, Buffer.from('old orphan'));
    await backend.age(orphan, twoDaysAgo());
    await t.db.query(`CREATE TABLE scan_attachments (id serial, storage_key text)`);
    try {
      await expect(sweeper.sweep()).rejects.toThrow(/scan_attachments\.storage_key/);
      expect(await exists(orphan)).toBe(true);
    } finally {
      await t.db.query(`DROP TABLE scan_attachments`);
    }
    await sweeper.sweep();
    expect(await exists(orphan)).toBe(false);
  });

  it('runs on a schedule in the worker processes, which the reconciler restores if Redis lost it', async () => {
    const producer = t.app.get(QueueProducer, { strict: false });
    const queue = producer.queue(QueueName.SweepStorage);
    expect(await queue.getJobScheduler(SWEEP_SCHEDULE_ID)).toBeTruthy();
    await queue.removeJobScheduler(SWEEP_SCHEDULE_ID);
    expect(await queue.getJobScheduler(SWEEP_SCHEDULE_ID)).toBeFalsy();
    const reconciled = await t.app.get(ReconcileProcessor, { strict: false }).process();
    expect(reconciled['storage-sweep-schedule']).toBe(1);
    expect(await queue.getJobScheduler(SWEEP_SCHEDULE_ID)).toBeTruthy();
  });
});
