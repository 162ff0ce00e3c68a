import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { TransactionService } from '../database/transaction.service';
import { ChartPoint, DEFAULT_SUBGROUP_SIZE, pChart, pooledRate, RaterRead } from './control-chart';
import { ReaderQualityRepository } from './reader-quality.repository';

export interface StudyCharts {
  pooledRate: number;
  subgroupSize: number;
  byRater: Map<string, ChartPoint[]>;
}

/**
 * Drift monitoring (issue 12): each rater's p-chart of discordance against the study's pooled
 * rate, with the mean signed difference from the final value per subgroup. A point above the
 * upper limit raises an alert once (audited); admins see it on the reader-quality page.
 */
@Injectable()
export class DriftService {
  constructor(
    private readonly quality: ReaderQualityRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
  ) {}

  async charts(studyId: string): Promise<StudyCharts> {
    const reads = await this.quality.chartReads(studyId);
    const byRater = new Map<string, RaterRead[]>();
    for (const read of reads) {
      const list = byRater.get(read.raterId) ?? [];
      list.push({
        discordant: read.discordant,
        signedDifference: read.finalSalt === null ? null : read.salt - read.finalSalt,
        submittedAt: read.submittedAt,
      });
      byRater.set(read.raterId, list);
    }
    const pBar = pooledRate(
      [...byRater.values()].map((list) => ({
        reads: list.length,
        discordant: list.filter((read) => read.discordant).length,
      })),
    );
    return {
      pooledRate: pBar,
      subgroupSize: DEFAULT_SUBGROUP_SIZE,
      byRater: new Map([...byRater].map(([raterId, list]) => [raterId, pChart(list, pBar)])),
    };
  }

  /** Raises an alert for every out-of-control point not alerted before; returns how many. */
  async checkDrift(studyId: string): Promise<number> {
    const { byRater, pooledRate: pBar } = await this.charts(studyId);
    let raised = 0;
    for (const [raterId, points] of byRater) {
      for (const point of points.filter((p) => p.outOfControl)) {
        const created = await this.tx.run(async (tx) => {
          const alertId = await this.quality.insertAlert(tx, {
            studyId,
            raterId,
            pointIndex: point.index,
            value: point.rate,
            lowerLimit: point.lowerLimit,
            upperLimit: point.upperLimit,
          });
          if (!alertId) return false;
          await this.audit.record(tx, {
            actor: SYSTEM_ACTOR,
            action: AuditAction.ReaderAlertRaised,
            entityType: 'user',
            entityId: raterId,
            studyId,
            after: {
              alertId,
              raterId,
              chart: 'discordance',
              pointIndex: point.index,
              from: point.from,
              to: point.to,
              n: point.n,
              discordant: point.discordant,
              rate: point.rate,
              pooledRate: pBar,
              upperLimit: point.upperLimit,
            },
          });
          return true;
        });
        if (created) raised++;
      }
    }
    return raised;
  }
}
