import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { LoggerService } from '@nestjs/common';
import pino from 'pino';
import { HttpLogger, pinoHttp } from 'pino-http';
import { RequestContext } from './common/request-context';
import { AppConfig } from './config/app-config';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Keeps a well-formed incoming X-Request-Id (from a proxy), otherwise makes one. */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function loggerOptions(config: Pick<AppConfig, 'logLevel'>): pino.LoggerOptions {
  return {
    level: config.logLevel,
    // Secrets never reach the log, wherever they appear.
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        'password',
        'token',
      ],
      censor: '[redacted]',
    },
  };
}

export function createLogger(
  config: Pick<AppConfig, 'logLevel'>,
  destination?: pino.DestinationStream,
): pino.Logger {
  return destination ? pino(loggerOptions(config), destination) : pino(loggerOptions(config));
}

type IdentifiedRequest = IncomingMessage & { id?: string };

/** One access-log line per request, stamped with the id the request-id middleware chose. */
export function httpLogger(logger: pino.Logger): HttpLogger<IdentifiedRequest> {
  return pinoHttp<IdentifiedRequest>({
    logger,
    genReqId: (request: IdentifiedRequest) => request.id ?? requestIdOf(request),
    // Request URLs of rater image routes carry only task ids, so logging them is safe.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (request: IdentifiedRequest) => ({ requestId: request.id }),
  });
}

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger interface over pino. Nest passes the context (the class name) as the last
 * argument and, for errors, a stack before it; lines written during a request carry its id.
 */
const isStack = (text: string): boolean => /\n\s+at /.test(text);

export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: pino.Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? rest.pop() : undefined;
    const fields: Record<string, unknown> = {
      context,
      requestId: RequestContext.current()?.requestId,
    };
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      // logger.warn({ key }, 'what happened'): the string is the message, not Nest's stack slot.
      const first = rest[0];
      const text = typeof first === 'string' && !isStack(first) ? first : undefined;
      if (text !== undefined) rest.shift();
      if (level === 'error' && typeof rest[0] === 'string') fields.stack = rest.shift();
      if (text === undefined) this.logger[level]({ ...fields, ...message });
      else this.logger[level]({ ...fields, ...message }, text);
      return;
    }
    if (level === 'error' && typeof rest[0] === 'string') fields.stack = rest.shift();
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
