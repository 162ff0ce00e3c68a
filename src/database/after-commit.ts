import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  DataSource,
  EntityManager,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';

type Callback = () => Promise<unknown>;

/**
 * Runs work once the caller's transaction has committed, e.g. enqueueing a job about rows the
 * transaction wrote: enqueued earlier, a fast worker could look before the rows are visible and
 * find nothing to do. Rolled-back transactions drop their callbacks. The callbacks are not
 * awaited by the commit (Redis being down must not fail a committed request); a lost enqueue is
 * picked up by the reconciler, which re-derives pending work from Postgres.
 */
@Injectable()
export class AfterCommit implements EntitySubscriberInterface {
  private readonly logger = new Logger(AfterCommit.name);
  private readonly pending = new WeakMap<QueryRunner, Callback[]>();

  constructor(@InjectDataSource() dataSource: DataSource) {
    dataSource.subscribers.push(this);
  }

  /** Runs `work` after `tx` commits; outside a transaction, right away. */
  run(tx: EntityManager, work: Callback): void {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) {
      this.start(work);
      return;
    }
    const callbacks = this.pending.get(runner) ?? [];
    callbacks.push(work);
    this.pending.set(runner, callbacks);
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    // A released savepoint is not a commit: wait for the outermost transaction.
    if (event.queryRunner.isTransactionActive) return;
    const callbacks = this.pending.get(event.queryRunner) ?? [];
    this.pending.delete(event.queryRunner);
    for (const work of callbacks) this.start(work);
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (event.queryRunner.isTransactionActive) return;
    this.pending.delete(event.queryRunner);
  }

  private start(work: Callback): void {
    void work().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'after-commit work failed; the reconciler will pick it up'),
    );
  }
}
