import { randomBytes } from 'node:crypto';
import {
  ApiClient,
  MadeUser,
  Make,
  readingSet,
  scores,
  studyWithTeam,
  TaskRow,
  tasksOf,
  Team,
  waitForStatus,
} from '../support/factories';
import { TestApp } from '../support/test-app';

export interface QueryScene {
  team: Team;
  coordinator: MadeUser;
  photoSetId: string;
  subjectCode: string;
  visit: string;
  tasks: TaskRow[];
  raterOf: (task: TaskRow) => MadeUser;
}

/** A study with two raters, an adjudicator and a coordinator, and one set being read. */
export async function sceneInReading(t: TestApp, make: Make): Promise<QueryScene> {
  const team = await studyWithTeam(make, { raters: 2, adjudicators: 1, coordinators: 1 });
  const subjectCode = `QRY-${randomBytes(3).toString('hex').toUpperCase()}`;
  const visit = 'v1';
  const { set, tasks } = await readingSet(t, team.study.id, subjectCode, visit);
  const raterOf = (task: TaskRow) => team.raters.find((r) => r.user.id === task.raterId)!;
  return {
    team,
    coordinator: team.coordinators[0],
    photoSetId: set.id,
    subjectCode,
    visit,
    tasks,
    raterOf,
  };
}

/** The same scene taken on to adjudication: a discordant pair (10 vs 60). */
export async function sceneInAdjudication(t: TestApp, make: Make): Promise<QueryScene> {
  const scene = await sceneInReading(t, make);
  for (const task of scene.tasks) {
    const response = await scene
      .raterOf(task)
      .client.post(`/reads/${task.id}/score`, scores(task.slot === 1 ? 10 : 60));
    if (response.status !== 201) throw new Error(`scoring failed: ${response.status}`);
  }
  await waitForStatus(t, [scene.photoSetId], (s) => s === 'adjudicating');
  return scene;
}

export function currentTasks(t: TestApp, photoSetId: string): Promise<TaskRow[]> {
  return tasksOf(t, [photoSetId]);
}

export function binary(client: ApiClient, path: string) {
  return client
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
}

export async function verifyAudit(admin: ApiClient): Promise<void> {
  const verdict = await admin.get('/audit/verify').expect(200);
  expect(verdict.body.ok).toBe(true);
}
