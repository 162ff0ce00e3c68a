import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  ValidationOptions,
} from 'class-validator';
import { IsRegionScore } from './scores.dto';

/** Why a reader cannot score a view. 'other' needs a few words of text. */
export const NOT_EVALUABLE_REASONS = [
  'blurred',
  'cropped',
  'wrong-view',
  'hair-covered',
  'lighting',
  'other',
] as const;
export type NotEvaluableReason = (typeof NOT_EVALUABLE_REASONS)[number];
export const NOT_EVALUABLE_TEXT_MIN = 3;
export const NOT_EVALUABLE_TEXT_MAX = 500;
const VIEW_NAMES = ['top', 'back', 'left', 'right'] as const;
type ViewName = (typeof VIEW_NAMES)[number];

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;

/** One view's not-evaluable answer. */
export class NotEvaluableDto {
  @ApiProperty({ enum: NOT_EVALUABLE_REASONS })
  @IsIn(NOT_EVALUABLE_REASONS, {
    message: `reason must be one of ${NOT_EVALUABLE_REASONS.join(', ')}`,
  })
  reason!: NotEvaluableReason;

  @ApiPropertyOptional({
    minLength: NOT_EVALUABLE_TEXT_MIN,
    maxLength: NOT_EVALUABLE_TEXT_MAX,
    description: "Required with reason 'other' (one line, no control characters), else omitted",
  })
  @ValidateBy({
    name: 'notEvaluableText',
    validator: {
      validate: (value: unknown, args) => {
        const reason = (args?.object as NotEvaluableDto | undefined)?.reason;
        if (reason !== 'other') return value === undefined;
        return (
          typeof value === 'string' &&
          value.trim().length >= NOT_EVALUABLE_TEXT_MIN &&
          value.length <= NOT_EVALUABLE_TEXT_MAX &&
          !CONTROL.test(value)
        );
      },
      defaultMessage: (args) =>
        (args?.object as NotEvaluableDto | undefined)?.reason === 'other'
          ? `text is required with reason 'other': ${NOT_EVALUABLE_TEXT_MIN} to ${NOT_EVALUABLE_TEXT_MAX} characters, one line, no control characters`
          : "text is only allowed with reason 'other'",
    },
  })
  text?: string;
}

/** The views a reader could not score, each with its reason. */
export class NotEvaluableViewsDto {
  @ApiPropertyOptional({ type: () => NotEvaluableDto })
  @IsOptional()
  @IsObject({ message: 'notEvaluable.top must be an object {reason, text?}' })
  @ValidateNested()
  @Type(() => NotEvaluableDto)
  top?: NotEvaluableDto;

  @ApiPropertyOptional({ type: () => NotEvaluableDto })
  @IsOptional()
  @IsObject({ message: 'notEvaluable.back must be an object {reason, text?}' })
  @ValidateNested()
  @Type(() => NotEvaluableDto)
  back?: NotEvaluableDto;

  @ApiPropertyOptional({ type: () => NotEvaluableDto })
  @IsOptional()
  @IsObject({ message: 'notEvaluable.left must be an object {reason, text?}' })
  @ValidateNested()
  @Type(() => NotEvaluableDto)
  left?: NotEvaluableDto;

  @ApiPropertyOptional({ type: () => NotEvaluableDto })
  @IsOptional()
  @IsObject({ message: 'notEvaluable.right must be an object {reason, text?}' })
  @ValidateNested()
  @Type(() => NotEvaluableDto)
  right?: NotEvaluableDto;
}

/** The views named in a not-evaluable answer, in the standard order. */
export function notEvaluableViews(
  notEvaluable: NotEvaluableViewsDto | undefined,
): { view: ViewName; reason: NotEvaluableReason; text?: string }[] {
  if (!notEvaluable) return [];
  return VIEW_NAMES.flatMap((view) => {
    const answer = notEvaluable[view];
    if (!answer) return [];
    return [
      {
        view,
        reason: answer.reason,
        ...(answer.text !== undefined && { text: answer.text.trim() }),
      },
    ];
  });
}

/**
 * The not-evaluable map itself: at least one view, and never a view that also has a score
 * (`scored` says which views of the enclosing object carry a score).
 */
export function IsNotEvaluableMap(
  scored: (object: object) => ViewName[],
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotEvaluableMap',
      validator: {
        validate: (value: unknown, args) => {
          if (value === undefined) return true;
          if (value === null || typeof value !== 'object') return false;
          const named = VIEW_NAMES.filter((view) => (value as Record<string, unknown>)[view]);
          if (!named.length) return false;
          const both = scored(args?.object ?? {});
          return !named.some((view) => both.includes(view));
        },
        defaultMessage: (args) => {
          const value = args?.value as Record<string, unknown> | null | undefined;
          if (value === null || typeof value !== 'object' || !value) {
            return 'notEvaluable must be an object naming views, e.g. {"top": {"reason": "blurred"}}';
          }
          const named = VIEW_NAMES.filter((view) => value[view]);
          if (!named.length) return 'notEvaluable must name at least one view';
          const both = scored(args?.object ?? {}).filter((view) => named.includes(view));
          return both
            .map((view) => `${view}: give a score or a not-evaluable reason, not both`)
            .join('; ');
        },
      },
    },
    options,
  );
}

const scoreDoc = { minimum: 0, maximum: 100, multipleOf: 0.1, example: 42.5 };
const notEvaluableFor = (view: ViewName) => (o: ReadSubmissionDto) =>
  !o.notEvaluable || typeof o.notEvaluable !== 'object' || !o.notEvaluable[view];

/**
 * A rater's submission: each view has either a score (0–100, one decimal) or a not-evaluable
 * reason, never both and never neither. Without `notEvaluable` it is exactly the four scores.
 */
export class ReadSubmissionDto {
  @ApiPropertyOptional({ ...scoreDoc, description: 'Vertex, 40% of the scalp' })
  @ValidateIf(notEvaluableFor('top'))
  @IsRegionScore()
  top?: number;

  @ApiPropertyOptional({ ...scoreDoc, description: 'Posterior, 24%' })
  @ValidateIf(notEvaluableFor('back'))
  @IsRegionScore()
  back?: number;

  @ApiPropertyOptional({ ...scoreDoc, description: 'Left side, 18%' })
  @ValidateIf(notEvaluableFor('left'))
  @IsRegionScore()
  left?: number;

  @ApiPropertyOptional({ ...scoreDoc, description: 'Right side, 18%' })
  @ValidateIf(notEvaluableFor('right'))
  @IsRegionScore()
  right?: number;

  @ApiPropertyOptional({
    type: () => NotEvaluableViewsDto,
    description:
      'Views that cannot be scored, with the reason. Opens an image query to the coordinator ' +
      'instead of a read; the views not named here keep their scores as the draft.',
  })
  @IsOptional()
  @IsNotEvaluableMap((o) =>
    VIEW_NAMES.filter((view) => (o as ReadSubmissionDto)[view] !== undefined),
  )
  @ValidateNested()
  @Type(() => NotEvaluableViewsDto)
  notEvaluable?: NotEvaluableViewsDto;

  @ApiPropertyOptional({
    description:
      "Signing a read: the signer's password, re-entered at the first signing of a session (or " +
      'every signing when the study says so; see GET /reads/{id}/signing). Never stored',
    format: 'password',
  })
  @IsOptional()
  @IsString({ message: 'password must be a string' })
  @MaxLength(1000)
  password?: string;
}
