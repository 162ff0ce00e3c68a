import { SetMetadata } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Every domain event and what it carries. Empty here on purpose: the feature that publishes an
 * event declares it next to its publisher (e.g. src/users/user.events.ts) by adding to this
 * interface, so src/events/ depends on no feature and a feature never imports its listeners.
 * Search for the event's name, e.g. 'user.deactivated', to find its declaration, its
 * publisher and every handler.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- augmented by the features
export interface DomainEventMap {}

export type DomainEventName = Extract<keyof DomainEventMap, string>;

/** A handler runs inside the publisher's transaction: `tx` sees (and may add to) its writes. */
export type DomainEventHandler<E extends DomainEventName> = (
  tx: EntityManager,
  event: DomainEventMap[E],
) => Promise<void>;

export const DOMAIN_EVENT_HANDLER = 'salt:domain-event-handler';

/**
 * Marks a provider method as a handler of `event`. DomainEvents finds it at start-up and awaits
 * it inside the transaction of every `publish(tx, event, …)`: if it throws, the publisher's
 * whole transaction rolls back. Work that must wait for the commit (enqueueing a job) goes
 * through AfterCommit from the handler.
 */
export function OnDomainEvent<E extends DomainEventName>(event: E) {
  return (
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<DomainEventHandler<E>>,
  ): void => {
    SetMetadata(DOMAIN_EVENT_HANDLER, event)(target, key, descriptor);
  };
}
