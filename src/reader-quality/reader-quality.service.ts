import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal';
import { StudiesRepository } from '../studies/studies.repository';
import { StudiesService } from '../studies/studies.service';
import { ReaderQualitySettings, withDefaults } from '../studies/study-settings';
import { ChartPoint } from './control-chart';
import { DriftService } from './drift.service';
import { intraRaterStats } from './intra-rater-stats';
import { QualificationStatus, ReaderQualityRepository } from './reader-quality.repository';

export interface RaterQualityView {
  raterId: string;
  name: string;
  active: boolean;
  status: QualificationStatus;
  suspended: boolean;
  suspensionReason: string | null;
  rounds: {
    roundNo: number;
    status: 'open' | 'passed' | 'failed' | 'cancelled';
    meanAbsError: number | null;
    withinPercent: number | null;
    startedAt: string;
    decidedAt: string | null;
  }[];
  chart: ChartPoint[];
  rereads: {
    pairs: { first: number; second: number }[];
    /** ICC(A,1) = Shrout & Fleiss ICC(2,1), absolute agreement, occasions as columns. */
    icc: { value: number; lower: number; upper: number } | null;
    /** Bland–Altman repeatability coefficient 2.77 · s_w, with its χ² 95% CI. */
    repeatability: {
      coefficient: number;
      withinSubjectSd: number;
      lower: number;
      upper: number;
      meanDifference: number;
    } | null;
  };
}

export interface AlertView {
  id: string;
  raterId: string;
  raterName: string;
  chart: 'discordance';
  pointIndex: number;
  value: number;
  lowerLimit: number;
  upperLimit: number;
  createdAt: string;
}

export interface ReaderQualityOverview {
  settings: ReaderQualitySettings;
  pooledDiscordanceRate: number;
  subgroupSize: number;
  raters: RaterQualityView[];
  alerts: AlertView[];
}

/** The reader-quality page: every rater's state, charts and statistics (admin, auditor). */
@Injectable()
export class ReaderQualityService {
  constructor(
    private readonly quality: ReaderQualityRepository,
    private readonly studies: StudiesService,
    private readonly studiesRepository: StudiesRepository,
    private readonly drift: DriftService,
  ) {}

  async overview(principal: Principal, studyId: string): Promise<ReaderQualityOverview> {
    await this.studies.requireStudyRole(principal, studyId, ['auditor']);
    const settings = withDefaults(await this.studiesRepository.settings(studyId));
    const required = settings.readerQuality.qualificationSetCount > 0;
    const [members, qualifications, rounds, pairs, charts, alerts] = await Promise.all([
      this.quality.raterMembers(studyId),
      this.quality.qualifications(studyId),
      this.quality.rounds(studyId),
      this.quality.rereadPairs(studyId),
      this.drift.charts(studyId),
      this.quality.alerts(studyId),
    ]);
    const raters = members.map((member): RaterQualityView => {
      const row = qualifications.find((q) => q.raterId === member.raterId);
      const own = pairs.filter((p) => p.raterId === member.raterId);
      const stats = intraRaterStats(own);
      return {
        raterId: member.raterId,
        name: member.name,
        active: member.active,
        status: required ? (row?.status ?? 'in-training') : 'qualified',
        suspended: Boolean(row?.suspendedAt),
        suspensionReason: row?.suspensionReason ?? null,
        rounds: rounds
          .filter((round) => round.raterId === member.raterId)
          .map((round) => ({
            roundNo: round.roundNo,
            status: round.status,
            meanAbsError: round.meanAbsError,
            withinPercent: round.withinPercent,
            startedAt: round.createdAt.toISOString(),
            decidedAt: round.decidedAt?.toISOString() ?? null,
          })),
        chart: charts.byRater.get(member.raterId) ?? [],
        rereads: {
          pairs: own.map((p) => ({ first: p.first, second: p.second })),
          icc: stats.icc
            ? { value: stats.icc.value, lower: stats.icc.ci95.lower, upper: stats.icc.ci95.upper }
            : null,
          repeatability: stats.repeatability
            ? {
                coefficient: stats.repeatability.coefficient,
                withinSubjectSd: stats.repeatability.withinSubjectSd,
                lower: stats.repeatability.ci95.lower,
                upper: stats.repeatability.ci95.upper,
                meanDifference: stats.repeatability.meanDifference,
              }
            : null,
        },
      };
    });
    return {
      settings: settings.readerQuality,
      pooledDiscordanceRate: charts.pooledRate,
      subgroupSize: charts.subgroupSize,
      raters,
      alerts: alerts.map((alert) => ({ ...alert, createdAt: alert.createdAt.toISOString() })),
    };
  }
}
