/**
 * Every queue salt-reader uses. Each queue carries exactly one kind of job, so the queue name is
 * also the job name, and each has exactly one processor (checked at start-up by
 * JobHandlersCheck). Add a queue here, its payload below, and its @Processor in the feature.
 */
export enum QueueName {
  Reconcile = 'reconcile',
  Ingest = 'ingest',
  Import = 'import',
  Assign = 'assign',
  Evaluate = 'evaluate',
  Reassign = 'reassign',
  SweepStorage = 'sweep-storage',
  QueryReplacement = 'query-replacement',
}

/** What each job carries. Jobs hold ids only: Postgres holds the state they act on. */
export interface JobPayload {
  [QueueName.Reconcile]: Record<string, never>;
  [QueueName.Ingest]: { photoSetId: string };
  [QueueName.Import]: { importId: string };
  [QueueName.Assign]: { photoSetId: string };
  [QueueName.Evaluate]: { photoSetId: string };
  [QueueName.Reassign]: { readTaskId: string };
  [QueueName.SweepStorage]: Record<string, never>;
  [QueueName.QueryReplacement]: { imageQueryId: string };
}

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);
