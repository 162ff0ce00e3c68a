import { QueueName } from './queue-names';

/**
 * Deterministic job ids make enqueueing idempotent: adding the same job twice while one is
 * pending is a no-op in BullMQ. `version` distinguishes legitimately repeated work on one entity
 * (a reassignment round, a reopened read). BullMQ reserves ':' so ids use '.' and '-' only.
 */
export function jobId(queue: QueueName, entityId: string, version?: string | number): string {
  const base = `${queue}.${entityId}`;
  return version === undefined ? base : `${base}.${version}`;
}
