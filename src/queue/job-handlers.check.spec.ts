import { findMissingOrDuplicateHandlers } from './job-handlers.check';
import { ALL_QUEUES } from './queue-names';

describe('findMissingOrDuplicateHandlers', () => {
  it('accepts exactly one handler per queue', () => {
    expect(findMissingOrDuplicateHandlers([...ALL_QUEUES])).toEqual([]);
  });

  it('names queues with no handler, two handlers, or an unknown name', () => {
    const [first] = ALL_QUEUES;
    const problems = findMissingOrDuplicateHandlers([...ALL_QUEUES, first, 'mystery']);
    expect(problems).toEqual([`${first}: 2 handlers`, 'mystery: not a known queue']);
    expect(findMissingOrDuplicateHandlers(ALL_QUEUES.slice(1))).toEqual([`${first}: 0 handlers`]);
  });
});
