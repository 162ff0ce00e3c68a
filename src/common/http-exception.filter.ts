import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { Request, Response } from 'express';
import { DomainError, DomainErrorCode } from './domain-error';

const STATUS_BY_CODE: Record<DomainErrorCode, number> = {
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.BAD_REQUEST,
  forbidden: HttpStatus.FORBIDDEN,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  'too-many-requests': HttpStatus.TOO_MANY_REQUESTS,
  'payload-too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-media-type': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
  locked: HttpStatus.LOCKED,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  requestId: string;
}

const DATABASE_UNAVAILABLE_MESSAGES =
  /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Query read timeout/i;

/**
 * Postgres unreachable, refusing, or not answering in time (statement timeout 57014, idle
 * transaction ended 25P03, pg's client read timeout on a frozen connection): answer 503 so
 * clients retry instead of seeing a 500.
 */
function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    code === 'ECONNREFUSED' ||
    code === '57P01' ||
    code === '57P03' ||
    code === '57014' ||
    code === '25P03' ||
    DATABASE_UNAVAILABLE_MESSAGES.test(message)
  );
}

/**
 * The single error body of the API. Known errors keep their message; anything unexpected becomes
 * a bare 500 so no stack trace or SQL ever reaches a client.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const body = this.toBody(exception, String(request.id ?? ''));
    if (body.statusCode >= 500) {
      this.logger.error(
        { err: exception, requestId: body.requestId },
        exception instanceof Error ? exception.message : 'unknown error',
      );
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_BY_CODE[exception.code];
      return { statusCode, error: REASON[statusCode], message: exception.details, requestId };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const response = exception.getResponse();
      let message: string | string[] = exception.message;
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const inner = response.message;
        if (typeof inner === 'string' || Array.isArray(inner)) message = inner as string | string[];
      }
      if (statusCode >= 500) message = REASON[statusCode] ?? 'Internal Server Error';
      return {
        statusCode,
        error: REASON[statusCode] ?? 'Error',
        message,
        requestId,
      };
    }
    if (isDatabaseUnavailable(exception)) {
      return {
        statusCode: 503,
        error: REASON[503],
        message: 'The database is unavailable; try again shortly',
        requestId,
      };
    }
    return { statusCode: 500, error: REASON[500], message: 'Internal server error', requestId };
  }
}
