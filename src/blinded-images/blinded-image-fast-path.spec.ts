import type { Request, Response } from 'express';
import pino from 'pino';
import { logServed, sessionCookie } from './blinded-image-fast-path';

describe('sessionCookie', () => {
  it('reads salt_session among other cookies, the first one when there are two', () => {
    expect(sessionCookie('salt_session=ses_abc')).toBe('ses_abc');
    expect(sessionCookie('theme=dark; salt_session=ses_abc; lang=de')).toBe('ses_abc');
    expect(sessionCookie('a=1;salt_session=ses_abc ;b=2')).toBe('ses_abc');
    expect(sessionCookie('salt_session=ses_one; salt_session=ses_two')).toBe('ses_one');
  });

  it('finds none in a cookie whose name only ends in salt_session, or without cookies', () => {
    expect(sessionCookie('xsalt_session=ses_abc')).toBeUndefined();
    expect(sessionCookie('other=salt_session=ses_abc')).toBeUndefined();
    expect(sessionCookie('')).toBeUndefined();
    expect(sessionCookie(undefined)).toBeUndefined();
  });
});

describe('logServed', () => {
  it('writes the access-log line pino-http would, with the request id and no more of the request', () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const request = {
      method: 'GET',
      originalUrl: '/api/v1/reads/7e0d/images/top?size=display',
      headers: { cookie: 'salt_session=ses_secret' },
    } as unknown as Request;
    const response = {
      statusCode: 200,
      getHeader: (name: string) => (name.toLowerCase() === 'x-request-id' ? 'req-1' : undefined),
    } as unknown as Response;
    logServed(log, request, response, Date.now() - 5);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 30,
      msg: 'request completed',
      requestId: 'req-1',
      req: { id: 'req-1', method: 'GET', url: '/api/v1/reads/7e0d/images/top?size=display' },
      res: { statusCode: 200 },
    });
    expect(line.responseTime).toEqual(expect.any(Number));
    // The session cookie never reaches the log.
    expect(lines[0]).not.toContain('ses_secret');
  });
});
