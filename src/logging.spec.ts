import { Writable } from 'node:stream';
import { RequestContext } from './common/request-context';
import { loadConfig } from './config/app-config';
import { createLogger, PinoLoggerService } from './logging';

function capture(): { sink: Writable; lines: () => Record<string, unknown>[]; raw: () => string } {
  let output = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  return {
    sink,
    raw: () => output,
    lines: () =>
      output
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('structured logs', () => {
  it('redact passwords, tokens, cookies and authorization headers', () => {
    const out = capture();
    const logger = createLogger(loadConfig({ DATABASE_URL: 'postgres://x/y' }), out.sink);
    logger.info(
      {
        req: {
          headers: { authorization: 'Bearer sat_SECRET1', cookie: 'salt_session=ses_SECRET2' },
        },
        res: { headers: { 'set-cookie': 'salt_session=ses_SECRET3' } },
        body: { password: 'SECRET4', token: 'SECRET5', newPassword: 'SECRET6' },
        password: 'SECRET7',
      },
      'request',
    );
    expect(out.lines()[0]).toMatchObject({ msg: 'request' });
    expect(out.raw()).not.toMatch(/SECRET/);
  });

  it("carry Nest's context, an error's stack and the request id", () => {
    const out = capture();
    const nestLogger = new PinoLoggerService(createLogger({ logLevel: 'info' }, out.sink));
    RequestContext.run({ requestId: 'req-12345678' }, () => {
      nestLogger.log('assigned', 'AssignmentService');
      nestLogger.error('job failed', 'Error: boom\n    at x', 'Worker');
    });
    nestLogger.warn(new Error('plain error'));
    nestLogger.debug('not written at info level');
    const [info, error, warn, ...more] = out.lines();
    expect(info).toMatchObject({
      level: 30,
      msg: 'assigned',
      context: 'AssignmentService',
      requestId: 'req-12345678',
    });
    expect(error).toMatchObject({ level: 50, msg: 'job failed', context: 'Worker' });
    expect(error.stack).toContain('boom');
    expect(warn).toMatchObject({ level: 40, msg: 'plain error' });
    expect(warn.requestId).toBeUndefined();
    expect(more).toEqual([]);
  });

  it('keep the message logged beside an object of fields', () => {
    const out = capture();
    const nestLogger = new PinoLoggerService(createLogger({ logLevel: 'info' }, out.sink));
    nestLogger.warn({ key: 'photos/a' }, 'the storage sweep failed', 'StorageSweeper');
    nestLogger.error({ jobId: 'j1' }, 'job failed', 'Error: boom\n    at x', 'Worker');
    nestLogger.log({ count: 2 }, 'Reconciler');
    const [warn, error, info] = out.lines();
    expect(warn).toMatchObject({ msg: 'the storage sweep failed', key: 'photos/a' });
    expect(warn.context).toBe('StorageSweeper');
    expect(error).toMatchObject({ msg: 'job failed', jobId: 'j1', context: 'Worker' });
    expect(error.stack).toContain('boom');
    expect(info).toMatchObject({ count: 2, context: 'Reconciler' });
  });
});
