import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ScoresDto } from '../../reads/dto/scores.dto';
import { IsNotEvaluableMap, NotEvaluableViewsDto } from '../../reads/dto/not-evaluable.dto';
import { ADJUDICATION_CHOICES, AdjudicationChoice } from '../adjudication.entities';

export const MIN_RATIONALE_LENGTH = 10;

const deciding = (o: DecisionDto) => o.notEvaluable === undefined;

export class DecisionDto {
  @ApiPropertyOptional({
    enum: ADJUDICATION_CHOICES,
    description: 'Required, unless notEvaluable opens an image query instead',
  })
  @ValidateIf(deciding)
  @IsIn(ADJUDICATION_CHOICES, { message: 'choice must be one of A, B, own' })
  choice!: AdjudicationChoice;

  @ApiPropertyOptional({ type: ScoresDto, description: "Required with choice 'own', else omitted" })
  @IsOptional()
  @IsObject({ message: 'scores must be an object {top, back, left, right}' })
  @ValidateNested()
  @Type(() => ScoresDto)
  scores?: ScoresDto;

  @ApiPropertyOptional({
    minLength: MIN_RATIONALE_LENGTH,
    description: 'Why this read is final. Required, unless notEvaluable',
  })
  @ValidateIf(deciding)
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

  @ApiPropertyOptional({
    type: () => NotEvaluableViewsDto,
    description:
      'Views that cannot be judged, with the reason: opens an image query to the coordinator ' +
      'instead of a decision (choice and scores omitted)',
  })
  @IsOptional()
  @IsNotEvaluableMap(() => [])
  @ValidateNested()
  @Type(() => NotEvaluableViewsDto)
  notEvaluable?: NotEvaluableViewsDto;

  @ApiPropertyOptional({
    description:
      "Signing the decision: the signer's password, re-entered at the first signing of a session " +
      '(or every signing when the study says so; see GET /adjudications/{id}/signing). Never stored',
    format: 'password',
  })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @MaxLength(1000)
  password?: string;
}
