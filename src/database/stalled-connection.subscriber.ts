import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EventEmitter } from 'node:events';
import { AfterQueryEvent, DataSource, EntitySubscriberInterface } from 'typeorm';

/** pg's client-side read timeout (the pool's `query_timeout`, see data-source-options.ts). */
export function isReadTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

type PgClient = EventEmitter & { connection?: { stream?: { destroy(): unknown } } };

/**
 * A query that got no answer within the read timeout leaves its connection in an unknown state:
 * pg keeps it busy with the unanswered query, and once the network recovers the server would
 * finish that statement, possibly inside a transaction the next borrower would then commit.
 * So the connection is thrown away: the 'error' event makes TypeORM hand it back to the pool as
 * broken (the pool then discards it), and the socket is closed so the server rolls back.
 */
@Injectable()
export class StalledConnectionSubscriber implements EntitySubscriberInterface {
  constructor(@InjectDataSource() dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  afterQuery(event: AfterQueryEvent): void {
    if (event.success || !isReadTimeout(event.error)) return;
    const client = (event.queryRunner as unknown as { databaseConnection?: PgClient })
      .databaseConnection;
    if (client) discardStalledClient(client, event.error);
  }
}

/** Throws a stalled client away (see above); also for queries that bypass TypeORM's runner. */
export function discardStalledClient(client: PgClient, error: unknown): void {
  if (client.listenerCount('error') > 0) client.emit('error', error);
  client.connection?.stream?.destroy();
}
