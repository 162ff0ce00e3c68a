import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, ValidateBy } from 'class-validator';
import { StudyLockView } from '../study-lock.service';

/** Locking and unlocking a study both need a reason; it is kept in the audit trail. */
export class StudyLockReasonDto {
  @ApiProperty({ minLength: 5, maxLength: 2000, description: 'Why (kept in the audit trail)' })
  @IsString({ message: 'reason must be a string' })
  @ValidateBy({
    name: 'lockReason',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && value.trim().length >= 5,
      defaultMessage: () => 'reason must be at least 5 characters',
    },
  })
  @MaxLength(2000)
  reason!: string;
}

export class StudyLockDto implements StudyLockView {
  @ApiProperty()
  locked!: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  lockId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lockedAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Who locked it (printed name)' })
  lockedBy!: string | null;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "The audit log's head when the study was locked: its latest signed checkpoint " +
      '{treeSize, rootHash, signedAt} (null when unlocked, or before the first checkpoint)',
  })
  auditHeadAtLock!: unknown;
}
