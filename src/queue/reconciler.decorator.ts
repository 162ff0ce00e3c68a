import { SetMetadata } from '@nestjs/common';
import { QueueProducer } from './queue.producer';

export const RECONCILER = 'salt:reconciler';

/**
 * A feature's answer to "what does the database say is pending?": it re-enqueues each pending
 * item through QueueProducer.ensure and returns how many it had to add or retry.
 */
export type ReconcileMethod = (producer: QueueProducer) => Promise<number>;

/**
 * Marks a provider method as a reconciler. The `reconcile` job (ReconcileProcessor) finds every
 * one at start-up and runs them all each interval; `name` keys its log line.
 */
export function Reconciler(name: string) {
  return (
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<ReconcileMethod>,
  ): void => {
    SetMetadata(RECONCILER, name)(target, key, descriptor);
  };
}
