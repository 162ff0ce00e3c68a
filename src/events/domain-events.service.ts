import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { EntityManager } from 'typeorm';
import { DecoratedMethod, findDecoratedMethods } from '../common/decorated-methods';
import { DOMAIN_EVENT_HANDLER, DomainEventMap, DomainEventName } from './domain-event.decorator';

/**
 * Publishes domain events to the @OnDomainEvent handlers of every provider in the application.
 * Handlers run one after another, in module order, inside the publisher's transaction, and are
 * awaited: an event is part of the state change that caused it, never fire-and-forget.
 */
@Injectable()
export class DomainEvents implements OnModuleInit {
  private handlers?: Map<string, DecoratedMethod<string>[]>;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    this.handlers = this.discover();
  }

  async publish<E extends DomainEventName>(
    tx: EntityManager,
    event: E,
    payload: DomainEventMap[E],
  ): Promise<void> {
    // Outside a transaction each handler would commit on its own, and a failing one could not
    // undo what the publisher and the handlers before it wrote.
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error(`domain event ${event} published outside a transaction`);
    }
    for (const handler of this.handlersOf(event)) await handler.call(tx, payload);
  }

  /** The handlers of `event`, as `ClassName.method`, in the order they run. */
  handlerNames(event: DomainEventName): string[] {
    return this.handlersOf(event).map((handler) => handler.name);
  }

  private handlersOf(event: string): DecoratedMethod<string>[] {
    this.handlers ??= this.discover();
    return this.handlers.get(event) ?? [];
  }

  private discover(): Map<string, DecoratedMethod<string>[]> {
    const byEvent = new Map<string, DecoratedMethod<string>[]>();
    const methods = findDecoratedMethods<string>(
      this.discovery,
      this.scanner,
      this.reflector,
      DOMAIN_EVENT_HANDLER,
    );
    for (const method of methods) {
      byEvent.set(method.metadata, [...(byEvent.get(method.metadata) ?? []), method]);
    }
    return byEvent;
  }
}
