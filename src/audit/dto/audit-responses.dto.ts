import { ApiProperty } from '@nestjs/swagger';
import { AuditEventView } from '../audit.repository';
import { AuditPage } from '../audit-trail.service';

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

/** One event of the trail, every hashed field in its hashed form, plus its hash. */
export class AuditEventDto implements AuditEventView {
  @ApiProperty({ description: 'The paging cursor (a bigint, as a string)', example: '42' })
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

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Events recorded before the log: hash of the previous event (hex); newer events: null',
  })
  prevHash!: string | null;

  @ApiProperty({
    description:
      'Events recorded before the log: SHA-256(prevHash + "\\n" + canonical JSON); newer events: ' +
      'their leaf hash SHA-256(0x00 || canonical JSON), hex',
  })
  hash!: string;
}

export class AuditEventPageDto implements AuditPage {
  @ApiProperty({ type: () => [AuditEventDto] })
  items!: AuditEventDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor`; null at the end' })
  nextCursor!: string | null;
}
