import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ParseUUIDPipe } from '@nestjs/common';
import { IsUUID } from 'class-validator';
import { DomainError } from './domain-error';

/** Path ids are UUIDs; anything else is simply not found, which reveals nothing. */
export const UuidParam = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new DomainError('not-found', 'Not found'),
});

export function ValidateUUID(): PropertyDecorator {
  return applyDecorators(IsUUID(), ApiProperty({ format: 'uuid' }));
}
