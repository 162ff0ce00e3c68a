import {
  CallHandler,
  ExecutionContext,
  Injectable,
  mixin,
  NestInterceptor,
  Type,
} from '@nestjs/common';
import { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { Observable } from 'rxjs';
import { DomainError } from '../common/domain-error';

export interface MultipartOptions {
  files: { name: string; maxCount: number }[];
  maxFileBytes: number;
  /** Most text fields. */
  maxFields: number;
}

export type UploadedFiles = Record<string, Express.Multer.File[] | undefined>;

function megabytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}

/** Multer's errors as the API's errors, naming the file or field at fault. */
function toDomainError(error: unknown, options: MultipartOptions): DomainError {
  if (error instanceof MulterError) {
    const field = error.field ?? 'a file';
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new DomainError(
          'payload-too-large',
          `${field}: the file is larger than the ${megabytes(options.maxFileBytes)} limit`,
        );
      case 'LIMIT_UNEXPECTED_FILE':
        return new DomainError(
          'invalid',
          `unexpected file field ${field}; expected ${options.files.map((f) => f.name).join(', ')}, one file each`,
        );
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_PART_COUNT':
        return new DomainError('invalid', 'too many parts in the upload');
      case 'LIMIT_FIELD_COUNT':
      case 'LIMIT_FIELD_KEY':
      case 'LIMIT_FIELD_VALUE':
        return new DomainError(
          'invalid',
          `form field ${error.field ?? ''} is too long or too many`,
        );
      case 'MISSING_FIELD_NAME':
        return new DomainError('invalid', 'the multipart upload could not be read');
    }
  }
  return new DomainError('invalid', 'the multipart upload could not be read');
}

/**
 * Reads a multipart body into memory with hard limits, before validation pipes run. Unlike
 * Nest's FileFieldsInterceptor it names the oversized file in its 413.
 */
export function MultipartInterceptor(options: MultipartOptions): Type<NestInterceptor> {
  @Injectable()
  class Interceptor implements NestInterceptor {
    private readonly handler = multer({
      storage: multer.memoryStorage(),
      limits: {
        fileSize: options.maxFileBytes,
        files: options.files.reduce((sum, f) => sum + f.maxCount, 0),
        fields: options.maxFields,
        fieldSize: 4096,
        parts: options.maxFields + options.files.reduce((sum, f) => sum + f.maxCount, 0),
      },
    }).fields(options.files);

    async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
      const http = context.switchToHttp();
      const request = http.getRequest<Request>();
      const response = http.getResponse<Response>();
      await new Promise<void>((resolve, reject) =>
        this.handler(request, response, (error: unknown) =>
          error ? reject(toDomainError(error, options)) : resolve(),
        ),
      );
      return next.handle();
    }
  }
  return mixin(Interceptor);
}
