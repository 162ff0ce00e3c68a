import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AuditEventView } from '../audit.repository';
import { AuditPage } from '../audit-trail.service';
import { VerifyResult } from '../audit-verify';

/** Any JSON value: events record whatever the change was (usually an object, or null). */
const anyJson = {
  oneOf: [
    { type: 'object', additionalProperties: true, nullable: true },
    { type: 'array', items: {} },
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
  ],
};

/** One event of the trail, every hashed field in its hashed form, plus the chain links. */
export class AuditEventDto implements AuditEventView {
  @ApiProperty({ description: 'Position in the chain (a bigint, as a string)', example: '42' })
  seq!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for the system' })
  actorId!: string | null;

  @ApiProperty()
  actorName!: string;

  @ApiProperty()
  actorRole!: string;

  @ApiProperty({ example: 'read.submitted' })
  action!: string;

  @ApiProperty({ example: 'photo-set' })
  entityType!: string;

  @ApiProperty({ type: String, nullable: true })
  entityId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  studyId!: string | null;

  @ApiProperty({ ...anyJson, description: 'The values before the change' })
  before!: unknown;

  @ApiProperty({ ...anyJson, description: 'The values after the change' })
  after!: unknown;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'null for background jobs' })
  requestId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip!: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent!: string | null;

  @ApiProperty({ description: 'Hash of the previous event (hex)' })
  prevHash!: string;

  @ApiProperty({ description: 'SHA-256 of prevHash and this event (hex)' })
  hash!: string;
}

export class AuditEventPageDto implements AuditPage {
  @ApiProperty({ type: () => [AuditEventDto] })
  items!: AuditEventDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor`; null at the end' })
  nextCursor!: string | null;
}

export class VerifyResultDto implements VerifyResult {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ type: 'integer', description: 'Events recomputed and found sound' })
  checked!: number;

  @ApiProperty({ type: 'integer' })
  fromSeq!: number;

  @ApiProperty({ type: 'integer' })
  toSeq!: number;

  @ApiPropertyOptional({ type: 'integer' })
  firstBrokenSeq?: number;

  @ApiPropertyOptional()
  reason?: string;

  @ApiPropertyOptional({ description: 'Hash of the last sound event; record it elsewhere' })
  lastHash?: string;
}
