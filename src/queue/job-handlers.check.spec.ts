import { findMissingOrDuplicateHandlers, jobHandlerProblems } from './job-handlers.check';
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

describe('jobHandlerProblems', () => {
  it('wants one handler per queue in a process that runs workers', () => {
    expect(jobHandlerProblems('all', [...ALL_QUEUES])).toEqual([]);
    expect(jobHandlerProblems('worker', [...ALL_QUEUES])).toEqual([]);
    expect(jobHandlerProblems('worker', [])).toHaveLength(ALL_QUEUES.length);
  });

  it('wants no handler at all in an api process', () => {
    expect(jobHandlerProblems('api', [])).toEqual([]);
    const [first] = ALL_QUEUES;
    expect(jobHandlerProblems('api', [first])).toEqual([`${first}: a handler in an api process`]);
  });
});
