import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Checkpoint } from '../audit-checkpoint';
import { OutsideCheckpointResult } from '../audit-log-verify';
import { LogVerifyResult } from '../audit-log-verifier';
import {
  CheckpointPage,
  ConsistencyProofView,
  InclusionProofView,
  LogHead,
  PublicKeyView,
} from '../audit-log.service';

const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

/** A signed checkpoint, as the log publishes it and as an auditor hands one back. */
export class CheckpointDto implements Checkpoint {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'Leaves the checkpoint covers' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  treeSize!: number;

  @ApiProperty({ pattern: '^[0-9a-f]{64}$', description: 'RFC 6962 Merkle root, hex' })
  @Matches(/^[0-9a-f]{64}$/, { message: 'rootHash must be 64 lower-case hex digits' })
  rootHash!: string;

  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  signedAt!: string;

  @ApiProperty({
    pattern: '^[0-9a-f]{16}$',
    description: 'SHA-256 of the public key (SPKI DER), first 16 hex digits',
  })
  @Matches(/^[0-9a-f]{16}$/, { message: 'keyId must be 16 lower-case hex digits' })
  keyId!: string;

  @ApiProperty({
    description:
      'Ed25519 signature, base64, over "salt-reader audit log v1\\n<treeSize>\\n<rootHash>\\n<signedAt>\\n"',
  })
  @IsString()
  @MaxLength(200)
  signature!: string;
}

export class CheckpointPageDto implements CheckpointPage {
  @ApiProperty({ type: () => [CheckpointDto] })
  items!: CheckpointDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor`; null at the end' })
  nextCursor!: string | null;
}

export class LogHeadDto implements LogHead {
  @ApiProperty({ type: 'integer' })
  treeSize!: number;

  @ApiProperty()
  rootHash!: string;

  @ApiProperty({ format: 'date-time' })
  signedAt!: string;
}

export class PublicKeyDto implements PublicKeyView {
  @ApiProperty({ enum: ['Ed25519'] })
  algorithm!: 'Ed25519';

  @ApiProperty()
  keyId!: string;

  @ApiProperty({ description: 'SubjectPublicKeyInfo, PEM' })
  publicKeyPem!: string;
}

export class InclusionProofDto implements InclusionProofView {
  @ApiProperty({ example: '42' })
  seq!: string;

  @ApiProperty({ type: 'integer' })
  leafIndex!: number;

  @ApiProperty({ description: "SHA-256(0x00 || the event's canonical JSON), hex" })
  leafHash!: string;

  @ApiProperty({ type: [String], description: 'Audit path, RFC 9162 §2.1.3, hex' })
  proof!: string[];

  @ApiProperty({ type: () => CheckpointDto })
  checkpoint!: CheckpointDto;
}

export class ConsistencyProofDto implements ConsistencyProofView {
  @ApiProperty({ type: [String], description: 'Consistency proof, RFC 9162 §2.1.4, hex' })
  proof!: string[];

  @ApiProperty({ type: () => CheckpointDto })
  first!: CheckpointDto;

  @ApiProperty({ type: () => CheckpointDto })
  second!: CheckpointDto;
}

export class OutsideCheckpointResultDto implements OutsideCheckpointResult {
  @ApiProperty({ type: 'integer' })
  treeSize!: number;

  @ApiProperty()
  rootHash!: string;

  @ApiProperty()
  consistent!: boolean;

  @ApiPropertyOptional()
  reason?: string;
}

export class LogVerifyResultDto implements LogVerifyResult {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ type: 'integer', description: 'Leaves recomputed from their events and sound' })
  checked!: number;

  @ApiProperty({ type: 'integer', description: 'Leaves in the log' })
  treeSize!: number;

  @ApiProperty({ type: 'integer', description: 'Signed checkpoints checked' })
  checkpoints!: number;

  @ApiPropertyOptional({ description: 'Root of the latest checkpoint, when all is sound' })
  rootHash?: string;

  @ApiPropertyOptional({ type: 'integer' })
  firstBrokenLeaf?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'The event at the first broken leaf' })
  firstBrokenSeq?: number;

  @ApiPropertyOptional()
  reason?: string;

  @ApiProperty({ type: 'integer', description: 'Committed events not sealed yet' })
  unsealed!: number;

  @ApiPropertyOptional({ type: () => [OutsideCheckpointResultDto] })
  outside?: OutsideCheckpointResultDto[];
}

export class CheckpointListQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'by tree size' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class CheckpointParamsDto {
  @ApiProperty({ type: 'integer', minimum: 1 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  treeSize!: number;
}

export class InclusionProofQueryDto {
  @ApiProperty({ description: "The event's seq", example: '42' })
  @Matches(/^[1-9]\d{0,17}$/, { message: 'seq must be a positive whole number' })
  seq!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Default: the latest' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  treeSize?: number;
}

export class ConsistencyProofQueryDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: "The earlier checkpoint's tree size" })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  from!: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: "The later checkpoint's tree size" })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TREE_SIZE)
  to!: number;
}

export class VerifyOutsideDto {
  @ApiProperty({
    type: () => [CheckpointDto],
    description: 'Checkpoints held outside the database (downloaded earlier, or a witness copy)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => CheckpointDto)
  checkpoints!: CheckpointDto[];
}
