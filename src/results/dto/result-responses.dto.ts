import { ApiProperty } from '@nestjs/swagger';
import { ADJUDICATION_CHOICES } from '../../adjudication/adjudication.entities';
import { DISCORDANCE_RULES } from '../../scoring/discordance';
import { PHOTO_SET_STATUSES } from '../../common/photo-set-status';
import { SIGNATURE_MEANINGS } from '../../signatures/signature';
import { ResultRead, ResultRow, ResultSignature } from '../results.service';

export class ResultSignatureDto implements ResultSignature {
  @ApiProperty({ description: "The signer's printed name" })
  printedName!: string;

  @ApiProperty({ format: 'date-time', description: 'UTC' })
  signedAt!: string;

  @ApiProperty({ enum: SIGNATURE_MEANINGS })
  meaning!: string;
}

export class ResultReadDto implements ResultRead {
  @ApiProperty({ format: 'uuid' })
  raterId!: string;

  @ApiProperty()
  raterName!: string;

  @ApiProperty()
  salt!: number;

  @ApiProperty()
  top!: number;

  @ApiProperty()
  back!: number;

  @ApiProperty()
  left!: number;

  @ApiProperty()
  right!: number;

  @ApiProperty({ format: 'date-time' })
  submittedAt!: string;

  @ApiProperty({ format: 'uuid', description: 'The read task (reopen it for a correction)' })
  readTaskId!: string;

  @ApiProperty({ description: '1 for the first read; 2 and up for corrected versions' })
  version!: number;

  @ApiProperty({ type: () => ResultSignatureDto, nullable: true })
  signature!: ResultSignatureDto | null;
}

export class ResultAdjudicationDto {
  @ApiProperty({ type: String, enum: ADJUDICATION_CHOICES, nullable: true })
  choice!: string | null;

  @ApiProperty({ format: 'uuid' })
  adjudicatorId!: string;

  @ApiProperty()
  adjudicatorName!: string;

  @ApiProperty({ type: String, nullable: true })
  rationale!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  decidedAt!: string | null;

  @ApiProperty({ type: () => ResultSignatureDto, nullable: true })
  signature!: ResultSignatureDto | null;
}

/** One row per photo set. Coordinators see the two reads only once the set is final. */
export class ResultRowDto implements ResultRow {
  @ApiProperty({ format: 'uuid' })
  photoSetId!: string;

  @ApiProperty()
  subjectCode!: string;

  @ApiProperty()
  visit!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  visitDate!: string | null;

  @ApiProperty({ enum: PHOTO_SET_STATUSES })
  status!: string;

  @ApiProperty({ type: () => ResultReadDto, nullable: true })
  readA!: ResultReadDto | null;

  @ApiProperty({ type: () => ResultReadDto, nullable: true })
  readB!: ResultReadDto | null;

  @ApiProperty({ type: Number, nullable: true })
  difference!: number | null;

  @ApiProperty({ enum: DISCORDANCE_RULES, isArray: true })
  rulesFired!: string[];

  @ApiProperty({ type: () => ResultAdjudicationDto, nullable: true })
  adjudication!: ResultAdjudicationDto | null;

  @ApiProperty({ type: Number, nullable: true })
  finalSalt!: number | null;

  @ApiProperty({ type: String, enum: ['concordant-mean', 'adjudicated'], nullable: true })
  source!: 'concordant-mean' | 'adjudicated' | null;
}

export class ResultsDto {
  @ApiProperty({ type: () => [ResultRowDto] })
  items!: ResultRowDto[];
}
