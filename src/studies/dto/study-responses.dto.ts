import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PHOTO_SET_STATUSES } from '../../common/photo-set-status';
import { STUDY_ROLES, StudyRole } from '../study-role';
import {
  ADJUDICATION_MODES,
  AdjudicationMode,
  PAIRINGS,
  Pairing,
  ReaderQualitySettings,
  ScheduledVisit,
  StudySettings,
} from '../study-settings';
import { MemberView, StudyDetail, StudyListItem, StudyView } from '../study.view';

export class ScheduledVisitViewDto implements ScheduledVisit {
  @ApiProperty({ example: 'week 24' })
  label!: string;

  @ApiProperty({ type: Number, nullable: true, example: 169 })
  plannedDay!: number | null;

  @ApiProperty()
  baseline!: boolean;
}

/** The charter's reader-quality rules (qualification, blinded re-reads), every key filled in. */
export class ReaderQualitySettingsViewDto implements ReaderQualitySettings {
  @ApiProperty({ description: 'Calibration sets a new rater reads first; 0 = no qualification' })
  qualificationSetCount!: number;

  @ApiProperty({ description: 'Pass rule: mean absolute SALT error at most this' })
  passMaxMeanAbsError!: number;

  @ApiProperty({ description: 'Pass rule: at least this percent within maxDifference' })
  passMinWithinPercent!: number;

  @ApiProperty({ description: 'The rater sees the reference after each calibration read' })
  trainingFeedback!: boolean;

  @ApiProperty({ description: 'Share (0–1) of final sets read again, blinded' })
  rereadShare!: number;

  @ApiProperty({ description: 'Washout: minimum days between first read and re-read' })
  washoutDays!: number;

  @ApiProperty({ description: 'Washout: minimum other reads in between' })
  washoutReads!: number;
}

/** The study's imaging charter, with every key filled in. */
export class StudySettingsViewDto implements StudySettings {
  @ApiProperty({ description: 'Discordant when |A − B| exceeds this many SALT points' })
  maxDifference!: number;

  @ApiProperty({
    type: [Number],
    description: 'Discordant when A and B fall on different sides of any of these',
  })
  thresholds!: number[];

  @ApiProperty({ enum: PAIRINGS })
  pairing!: Pairing;

  @ApiProperty({ enum: ADJUDICATION_MODES })
  adjudication!: AdjudicationMode;

  @ApiProperty({
    type: () => [ScheduledVisitViewDto],
    description:
      'The visit schedule in order; empty when none is set yet (then any visit label is ' +
      'accepted and endpoints use the labels in order of first upload, the first as baseline). ' +
      'Always empty for a caller who only reads blind (rater, adjudicator)',
  })
  visits!: ScheduledVisitViewDto[];

  @ApiProperty({ type: () => ReaderQualitySettingsViewDto })
  readerQuality!: ReaderQualitySettingsViewDto;

  @ApiProperty({
    description:
      'Signers re-enter their password at every signing, not only at the first in a session',
  })
  signatureEverySigning!: boolean;
}

export class StudyDto implements StudyView {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'AA-IL2-01' })
  code!: string;

  @ApiProperty()
  title!: string;

  @ApiProperty({ type: () => StudySettingsViewDto })
  settings!: StudySettingsViewDto;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class StudyListItemDto extends StudyDto implements StudyListItem {
  @ApiProperty({ enum: STUDY_ROLES, isArray: true, description: "The caller's study roles" })
  myRoles!: StudyRole[];
}

export class StudyDetailDto extends StudyListItemDto implements StudyDetail {
  @ApiPropertyOptional({
    type: 'object',
    properties: Object.fromEntries(
      PHOTO_SET_STATUSES.map((status) => [status, { type: 'integer' }]),
    ),
    additionalProperties: { type: 'integer' },
    description:
      'Photo sets per status; only for unblinded staff (admin, coordinator, auditor), since ' +
      'raters and adjudicators could read discordance off it',
  })
  statusCounts?: Record<string, number>;
}

export class MemberDto implements MemberView {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty()
  email!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: STUDY_ROLES, isArray: true })
  roles!: StudyRole[];

  @ApiProperty()
  active!: boolean;
}
