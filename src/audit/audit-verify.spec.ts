import { eventHash, GENESIS_HASH } from './audit-hash';
import { ChainLink, ChainReader, verifyChain } from './audit-verify';

function chain(length: number): ChainLink[] {
  const links: ChainLink[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 1; i <= length; i++) {
    const event = {
      seq: String(i),
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      actorId: null,
      actorName: 'system',
      actorRole: 'system',
      action: 'read.submitted',
      entityType: 'read-task',
      entityId: `task-${i}`,
      studyId: null,
      before: null,
      after: { salt: i / 10, photoSetId: 'set' },
      reason: null,
      requestId: null,
      ip: null,
      userAgent: null,
    };
    const hash = eventHash(event, prevHash);
    links.push({ ...event, prevHash, hash });
    prevHash = hash;
  }
  return links;
}

function reader(links: ChainLink[]): ChainReader & { batches: number } {
  const state = {
    batches: 0,
    each: (from: number, to: number, limit: number, onLink: (link: ChainLink) => void) => {
      state.batches++;
      const rows = links.filter((l) => Number(l.seq) >= from && Number(l.seq) <= to);
      rows.slice(0, limit).forEach(onLink);
      return Promise.resolve(Math.min(rows.length, limit));
    },
    hashAt: (seq: number) =>
      Promise.resolve(links.find((l) => Number(l.seq) === seq)?.hash ?? null),
  };
  return state;
}

describe('verifyChain', () => {
  it('accepts a sound chain read in several batches', async () => {
    const links = chain(25);
    const source = reader(links);
    const result = await verifyChain(source, { fromSeq: 1, toSeq: 25 }, 10);
    expect(result).toEqual({
      ok: true,
      checked: 25,
      fromSeq: 1,
      toSeq: 25,
      lastHash: links[24].hash,
    });
    expect(source.batches).toBe(3);
  });

  it('verifies a range from the stored hash before it', async () => {
    const result = await verifyChain(reader(chain(25)), { fromSeq: 11, toSeq: 20 }, 4);
    expect(result).toMatchObject({ ok: true, checked: 10 });
  });

  it('reports an altered event by its seq', async () => {
    const links = chain(25);
    links[16] = { ...links[16], after: { salt: 99, photoSetId: 'set' } };
    const result = await verifyChain(reader(links), { fromSeq: 1, toSeq: 25 }, 10);
    expect(result).toMatchObject({ ok: false, checked: 16, firstBrokenSeq: 17 });
  });

  it('reports a removed event by its missing seq, also at a batch boundary', async () => {
    for (const missing of [1, 10, 11, 13, 25]) {
      const links = chain(25).filter((l) => l.seq !== String(missing));
      const result = await verifyChain(reader(links), { fromSeq: 1, toSeq: 25 }, 10);
      expect(result).toMatchObject({ ok: false, firstBrokenSeq: missing, checked: missing - 1 });
      expect(result.reason).toMatch(`event ${missing} is missing`);
    }
  });

  it('accepts an empty range', async () => {
    expect(await verifyChain(reader([]), { fromSeq: 1, toSeq: 0 })).toMatchObject({
      ok: true,
      checked: 0,
    });
  });
});
