import { AssignmentRepository } from '../../src/reads/assignment.repository';
import { AssignmentService, ASSIGN_BATCH_SIZE } from '../../src/reads/assignment.service';
import {
  assign,
  insertReadySetsWithoutImages,
  Make,
  setStatuses,
  studyWithTeam,
  tasksOf,
  TaskRow,
  waitForStatus,
} from '../support/factories';
import { cloneTestDatabase, startTestApp, TestApp } from '../support/test-app';

/** No reconciler run in the middle of a test: every assign job here is one the test started. */
const QUIET = { RECONCILE_EVERY_MS: '86400000' };

type AssignedEvent = { entityId: string; photoSetId: string; raterId: string; slot: number };

async function assignedEvents(t: TestApp, studyId: string): Promise<AssignedEvent[]> {
  return t.db.query(
    `SELECT entity_id AS "entityId", after->>'photoSetId' AS "photoSetId",
            after->>'raterId' AS "raterId", (after->>'slot')::int AS slot
       FROM audit_events
      WHERE action = 'read.assigned' AND entity_type = 'read-task' AND study_id = $1`,
    [studyId],
  );
}

/**
 * Every set has exactly its two tasks, by two distinct raters, and each task exactly one
 * read.assigned event naming that set, slot and rater; answers the pair of each set.
 */
async function expectAssignedOnce(
  t: TestApp,
  studyId: string,
  ids: string[],
): Promise<Map<string, string>> {
  const tasks: TaskRow[] = await tasksOf(t, ids);
  expect(tasks).toHaveLength(2 * ids.length);
  expect(tasks.every((task) => task.status === 'assigned')).toBe(true);
  const pairs = new Map<string, string>();
  for (const id of ids) {
    const own = tasks.filter((task) => task.photoSetId === id);
    expect(own.map((task) => task.slot)).toEqual([1, 2]);
    expect(own[0].raterId).not.toBe(own[1].raterId);
    pairs.set(
      id,
      own
        .map((task) => task.raterId)
        .sort()
        .join('+'),
    );
  }
  const events = await assignedEvents(t, studyId);
  expect(events).toHaveLength(tasks.length);
  const byTask = new Map(events.map((event) => [event.entityId, event]));
  expect(byTask.size).toBe(tasks.length);
  for (const task of tasks) {
    expect(byTask.get(task.id)).toEqual({
      entityId: task.id,
      photoSetId: task.photoSetId,
      raterId: task.raterId,
      slot: task.slot,
    });
  }
  return pairs;
}

/** Per subject, the distinct pairs that read its sets. */
async function pairsBySubject(
  t: TestApp,
  pairs: Map<string, string>,
): Promise<Map<string, Set<string>>> {
  const subjects: { id: string; subjectId: string }[] = await t.db.query(
    `SELECT id, subject_id AS "subjectId" FROM photo_sets WHERE id = ANY($1::uuid[])`,
    [[...pairs.keys()]],
  );
  const bySubject = new Map<string, Set<string>>();
  for (const { id, subjectId } of subjects) {
    bySubject.set(subjectId, (bySubject.get(subjectId) ?? new Set()).add(pairs.get(id)!));
  }
  return bySubject;
}

describe('assignment in batches', () => {
  let t: TestApp;
  let make: Make;
  let assignment: AssignmentService;

  beforeAll(async () => {
    t = await startTestApp({ env: QUIET });
    make = new Make(t);
    assignment = t.app.get(AssignmentService, { strict: false });
  });
  afterAll(() => t.close());

  it("one job assigns a batch of its study's ready sets, each to its subject's pair", async () => {
    const team = await studyWithTeam(make, { raters: 6, adjudicators: 0 });
    const elsewhere = await studyWithTeam(make, { raters: 2, adjudicators: 0 });
    // 15 subjects with 4 visits each; the sets of one subject are not next to each other.
    const ids = await insertReadySetsWithoutImages(t, team.study.id, 60, 15);
    const [otherStudySet] = await insertReadySetsWithoutImages(t, elsewhere.study.id, 1, 1);

    expect(await assignment.assign(ids[7])).toBe('assigned');
    const statuses = await setStatuses(t, [...ids, otherStudySet]);
    const reading = ids.filter((id) => statuses[id] === 'reading');
    expect(reading).toHaveLength(ASSIGN_BATCH_SIZE);
    expect(reading).toContain(ids[7]);
    // A batch never reaches into another study.
    expect(statuses[otherStudySet]).toBe('ready');
    // The job of a set the batch took has nothing left to do.
    const taken = reading.find((id) => id !== ids[7])!;
    expect(await assignment.assign(taken)).toBe('not-pending');

    await assign(t, ids);
    await waitForStatus(t, ids, (status) => status === 'reading');
    const pairs = await expectAssignedOnce(t, team.study.id, ids);
    const bySubject = await pairsBySubject(t, pairs);
    expect(bySubject.size).toBe(15);
    // per-subject pairing: the four visits of a subject are read by one pair, across batches.
    for (const subjectPairs of bySubject.values()) expect(subjectPairs.size).toBe(1);
  });

  it('per-set pairing balances the load within a batch', async () => {
    const team = await studyWithTeam(make, {
      raters: 6,
      adjudicators: 0,
      settings: { pairing: 'per-set' },
    });
    const ids = await insertReadySetsWithoutImages(t, team.study.id, 60, 60);
    const load = async () => {
      const rows: { n: string }[] = await t.db.query(
        `SELECT count(*) AS n FROM read_tasks WHERE study_id = $1 GROUP BY rater_id`,
        [team.study.id],
      );
      return rows.map((row) => Number(row.n));
    };
    // One batch: its 100 tasks spread over the 6 raters, who started with none, as evenly as
    // 100 / 6 allows (without counting the batch's own tasks, one pair would take them all).
    expect(await assignment.assign(ids[0])).toBe('assigned');
    const first = await load();
    expect(first.reduce((sum, n) => sum + n, 0)).toBe(2 * ASSIGN_BATCH_SIZE);
    expect(first).toHaveLength(6);
    expect(Math.max(...first) - Math.min(...first)).toBeLessThanOrEqual(1);

    await assign(t, ids);
    await waitForStatus(t, ids, (status) => status === 'reading');
    await expectAssignedOnce(t, team.study.id, ids);
  });

  it('leaves calibration sets, which are never read live, out of a batch', async () => {
    const team = await studyWithTeam(make, { raters: 2, adjudicators: 0 });
    const ids = await insertReadySetsWithoutImages(t, team.study.id, 6, 6);
    const calibration = ids.slice(0, 3);
    await t.db.query(
      `INSERT INTO calibration_sets (photo_set_id, study_id, ref_top, ref_back, ref_left,
                                     ref_right, ref_salt, marked_by)
       SELECT id, $2, 10, 10, 10, 10, 10, $3 FROM unnest($1::uuid[]) AS id`,
      [calibration, team.study.id, team.raters[0].user.id],
    );
    expect(await assignment.assign(ids[5])).toBe('assigned');
    const statuses = await setStatuses(t, ids);
    expect(ids.map((id) => statuses[id])).toEqual([
      'ready',
      'ready',
      'ready',
      'reading',
      'reading',
      'reading',
    ]);
    expect(await tasksOf(t, calibration)).toEqual([]);
    expect(await assignment.assign(calibration[0])).toBe('not-pending');
    // Nor does the reconciler (or a new rater) queue a job for them that could only be a no-op.
    const awaiting = await t.app
      .get(AssignmentRepository, { strict: false })
      .setsAwaitingRaters(t.db.manager, team.study.id);
    expect(awaiting.filter((id) => calibration.includes(id))).toEqual([]);
  });

  it("two processes' batches running at once assign every set once; subjects keep one pair", async () => {
    const database = await cloneTestDatabase();
    const first = await startTestApp({ database, env: QUIET });
    // A second app on the same database and queues: the workers of two processes compete for
    // the same jobs, and their batches for the same sets and subjects.
    const second = await startTestApp({
      database,
      env: { ...QUIET, SALT_ROLE: 'worker', QUEUE_PREFIX: first.config.queuePrefix },
    });
    try {
      const team = await studyWithTeam(new Make(first), { raters: 6, adjudicators: 0 });
      // 40 subjects with 5 visits: concurrent batches share subjects.
      const ids = await insertReadySetsWithoutImages(first, team.study.id, 200, 40);
      // Jobs for every set, plus direct calls from both processes for the same sets at once.
      await assign(first, ids);
      const direct = await Promise.all(
        ids
          .slice(0, 40)
          .flatMap((id) => [
            first.app.get(AssignmentService, { strict: false }).assign(id),
            second.app.get(AssignmentService, { strict: false }).assign(id),
          ]),
      );
      expect(direct.every((outcome) => outcome === 'assigned' || outcome === 'not-pending')).toBe(
        true,
      );
      await waitForStatus(first, ids, (status) => status === 'reading', 60_000);
      const pairs = await expectAssignedOnce(first, team.study.id, ids);
      for (const subjectPairs of (await pairsBySubject(first, pairs)).values()) {
        expect(subjectPairs.size).toBe(1);
      }
      // Assigned in batches: far fewer transactions (task creation times) than sets.
      const [{ n }] = await first.db.query(
        `SELECT count(DISTINCT created_at) AS n FROM read_tasks WHERE study_id = $1`,
        [team.study.id],
      );
      expect(Number(n)).toBeLessThan(ids.length / 2);
    } finally {
      await second.close();
      await first.close();
    }
  }, 120_000);
});
