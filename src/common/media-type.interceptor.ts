import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import { Request } from 'express';
import { Observable } from 'rxjs';
import { DomainError } from './domain-error';

const JSON_ONLY = ['application/json'];

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return (
    request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
  );
}

/**
 * A body must be of a media type its route consumes, as the OpenAPI document declares it
 * (`@ApiConsumes`, JSON when a route declares none); anything else is 415. Besides keeping the
 * contract honest, this shuts the form-post path of CSRF: an HTML form can send urlencoded,
 * multipart or text/plain without a preflight, never JSON.
 */
@Injectable()
export class MediaTypeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<Request>();
    if (hasBody(request)) {
      const consumes =
        this.reflector.getAllAndOverride<string[] | undefined>(DECORATORS.API_CONSUMES, [
          context.getHandler(),
          context.getClass(),
        ]) ?? JSON_ONLY;
      const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (!consumes.includes(type)) {
        throw new DomainError(
          'unsupported-media-type',
          `this route accepts ${consumes.join(' or ')}, not ${type || 'a body without a type'}`,
        );
      }
    }
    return next.handle();
  }
}
