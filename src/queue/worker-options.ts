/**
 * Worker options for the short database jobs of reading (assign, evaluate, reassign): each is one
 * transaction of a few milliseconds, so a lock far shorter than BullMQ's 30 s default is safe,
 * and a job whose worker was killed mid-run goes back to waiting within ~20 s instead of a minute.
 * A job falsely taken for stalled only runs twice, which the handlers' conditional updates make
 * harmless.
 */
export const READ_JOB_WORKER_OPTIONS = {
  concurrency: 4,
  lockDuration: 15_000,
  stalledInterval: 5_000,
} as const;
