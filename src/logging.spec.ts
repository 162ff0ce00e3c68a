import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from './config/app-config';
import { loggerOptions } from './logging';

describe('structured logs', () => {
  it('redact passwords, tokens, cookies and authorization headers', () => {
    let output = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString();
        done();
      },
    });
    const options = loggerOptions(loadConfig({ DATABASE_URL: 'postgres://x/y' })).pinoHttp as {
      redact: pino.LoggerOptions['redact'];
    };
    const logger = pino({ redact: options.redact }, sink);
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
    expect(JSON.parse(output)).toMatchObject({ msg: 'request' });
    expect(output).not.toMatch(/SECRET/);
  });
});
