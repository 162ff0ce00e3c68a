import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { ScoresDto } from '../../reads/dto/scores.dto';
import { ADJUDICATION_CHOICES, AdjudicationChoice } from '../adjudication.entities';

export const MIN_RATIONALE_LENGTH = 10;

export class DecisionDto {
  @ApiProperty({ enum: ADJUDICATION_CHOICES })
  @IsIn(ADJUDICATION_CHOICES, { message: 'choice must be one of A, B, own' })
  choice!: AdjudicationChoice;

  @ApiPropertyOptional({ type: ScoresDto, description: "Required with choice 'own', else omitted" })
  @IsOptional()
  @IsObject({ message: 'scores must be an object {top, back, left, right}' })
  @ValidateNested()
  @Type(() => ScoresDto)
  scores?: ScoresDto;

  @ApiProperty({ minLength: MIN_RATIONALE_LENGTH, description: 'Why this read is final' })
  @IsString({ message: 'rationale must be a string' })
  @ValidateBy({
    name: 'rationaleLength',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.trim().length >= MIN_RATIONALE_LENGTH,
      defaultMessage: () => `rationale must be at least ${MIN_RATIONALE_LENGTH} characters`,
    },
  })
  @MaxLength(4000)
  rationale!: string;
}
