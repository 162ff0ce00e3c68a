import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { OnDomainEvent } from '../../src/events/domain-event.decorator';
import { DomainEvents } from '../../src/events/domain-events.service';
import { EventsModule } from '../../src/events/events.module';
import { MembershipChange } from '../../src/studies/study.events';
import { cloneTestDatabase } from '../support/test-app';
import { databaseUrl } from '../support/test-env';

/** What each handler saw: the transaction it got, and whether the publisher's row was visible. */
const calls: { handler: string; tx: EntityManager; sawPublisherRow: boolean }[] = [];

async function note(tx: EntityManager, handler: string, userId: string): Promise<void> {
  const rows: unknown[] = await tx.query('SELECT 1 FROM event_probe WHERE note = $1', [
    `publisher:${userId}`,
  ]);
  calls.push({ handler, tx, sawPublisherRow: rows.length === 1 });
  await tx.query('INSERT INTO event_probe (note) VALUES ($1)', [`${handler}:${userId}`]);
}

@Injectable()
class FirstListener {
  @OnDomainEvent('user.deactivated')
  async handOverWork(tx: EntityManager, { userId }: { userId: string }): Promise<void> {
    await note(tx, 'first', userId);
  }
}

@Injectable()
class SecondListener {
  @OnDomainEvent('user.deactivated')
  async endSessions(tx: EntityManager, { userId }: { userId: string }): Promise<void> {
    await note(tx, 'second', userId);
    if (userId === 'refused') throw new Error('handler refused');
  }

  @OnDomainEvent('study.membership-changed')
  async onMembership(tx: EntityManager, change: MembershipChange): Promise<void> {
    await note(tx, 'membership', change.userId);
  }

  /** Not a handler: never called by DomainEvents. */
  helper(): string {
    return 'plain method';
  }
}

describe('domain events', () => {
  let module: TestingModule;
  let events: DomainEvents;
  let db: DataSource;

  beforeAll(async () => {
    const url = databaseUrl(await cloneTestDatabase());
    module = await Test.createTestingModule({
      imports: [TypeOrmModule.forRoot({ type: 'postgres', url }), EventsModule],
      providers: [FirstListener, SecondListener],
    }).compile();
    await module.init();
    events = module.get(DomainEvents);
    db = module.get(DataSource);
    await db.query('CREATE TABLE event_probe (note text NOT NULL)');
  });

  afterAll(() => module.close());

  beforeEach(async () => {
    calls.length = 0;
    await db.query('DELETE FROM event_probe');
  });

  async function notes(): Promise<string[]> {
    const rows: { note: string }[] = await db.query('SELECT note FROM event_probe ORDER BY note');
    return rows.map((row) => row.note);
  }

  async function deactivate(userId: string): Promise<void> {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO event_probe (note) VALUES ($1)', [`publisher:${userId}`]);
      await events.publish(tx, 'user.deactivated', { userId });
    });
  }

  it("finds every handler of an event by the event's name, in module order", () => {
    expect(events.handlerNames('user.deactivated')).toEqual([
      'FirstListener.handOverWork',
      'SecondListener.endSessions',
    ]);
    expect(events.handlerNames('study.membership-changed')).toEqual([
      'SecondListener.onMembership',
    ]);
  });

  it("runs the handlers in order inside the publisher's transaction, and commits with it", async () => {
    let publisherTx: EntityManager | undefined;
    await db.transaction(async (tx) => {
      publisherTx = tx;
      await tx.query('INSERT INTO event_probe (note) VALUES ($1)', ['publisher:u1']);
      await events.publish(tx, 'user.deactivated', { userId: 'u1' });
      // Not yet visible outside: the handlers wrote through the same, uncommitted transaction.
      expect(await notes()).toEqual([]);
    });
    expect(calls.map((call) => call.handler)).toEqual(['first', 'second']);
    expect(calls.every((call) => call.tx === publisherTx && call.sawPublisherRow)).toBe(true);
    expect(await notes()).toEqual(['first:u1', 'publisher:u1', 'second:u1']);
  });

  it('rolls the whole transaction back when a handler throws', async () => {
    await expect(deactivate('refused')).rejects.toThrow('handler refused');
    expect(calls.map((call) => call.handler)).toEqual(['first', 'second']);
    // Neither the publisher's row nor the first handler's survived.
    expect(await notes()).toEqual([]);
  });

  it('calls only the handlers of the published event', async () => {
    await db.transaction((tx) =>
      events.publish(tx, 'study.membership-changed', {
        studyId: 's1',
        userId: 'u2',
        addedRoles: ['rater'],
        removedRoles: [],
      }),
    );
    expect(calls.map((call) => call.handler)).toEqual(['membership']);
  });

  it('refuses to publish outside a transaction', async () => {
    await expect(events.publish(db.manager, 'user.deactivated', { userId: 'u3' })).rejects.toThrow(
      'published outside a transaction',
    );
    expect(calls).toEqual([]);
  });
});
