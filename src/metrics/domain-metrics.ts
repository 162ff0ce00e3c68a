import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { PHOTO_SET_STATUSES } from '../common/photo-set-status';
import { MetricsRegistry } from './metrics.registry';
import { MetricsRepository } from './metrics.repository';

/** Never is the most overdue of all: an age alert fires instead of seeing no data. */
function ageSeconds(at: Date | null): number {
  return at ? Math.max(0, (Date.now() - at.getTime()) / 1000) : Infinity;
}

/**
 * The reading centre's own figures, counted in Postgres when scraped: every process reports the
 * same totals, across all studies. No label names a study, subject, visit or person.
 */
@Injectable()
export class DomainMetrics {
  private readonly gauges: Gauge[];
  private readonly unlabelled: Gauge[];
  private readonly readsSubmitted: Gauge;
  private readonly adjudicationsOpen: Gauge;
  private readonly imageQueriesOpen: Gauge;
  private readonly photoSets: Gauge<'status'>;
  private readonly auditEvents: Gauge;
  private readonly auditSealed: Gauge;
  private readonly lastCheckpointAge: Gauge;
  private readonly lastVerifyAge: Gauge;
  private readonly lastVerifyOk: Gauge;

  constructor(
    metrics: MetricsRegistry,
    private readonly repository: MetricsRepository,
  ) {
    const gauge = <L extends string = string>(name: string, help: string, labelNames: L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers: [metrics.registry] });
    this.readsSubmitted = gauge(
      'salt_reads_submitted',
      'Reads submitted so far (first versions; corrections not counted), all studies',
    );
    this.adjudicationsOpen = gauge(
      'salt_adjudications_open',
      'Adjudication tasks waiting for a decision',
    );
    this.imageQueriesOpen = gauge(
      'salt_image_queries_open',
      'Image queries the coordinator has not answered yet',
    );
    this.photoSets = gauge('salt_photo_sets', 'Photo sets by status', ['status']);
    this.auditEvents = gauge('salt_audit_events', 'Events appended to the audit trail so far');
    this.auditSealed = gauge(
      'salt_audit_sealed_events',
      'Audit events covered by a signed checkpoint (the tree size of the latest one)',
    );
    this.lastCheckpointAge = gauge(
      'salt_audit_last_checkpoint_age_seconds',
      'Seconds since the audit log last signed a checkpoint; +Inf if it never has',
    );
    this.lastVerifyAge = gauge(
      'salt_audit_last_verify_age_seconds',
      'Seconds since the audit chain was last verified (GET /audit/verify); +Inf if never',
    );
    this.lastVerifyOk = gauge(
      'salt_audit_last_verify_ok',
      '1 if the last audit chain verification found the chain intact; 0 if it found a break or none ran',
    );
    this.unlabelled = [
      this.readsSubmitted,
      this.adjudicationsOpen,
      this.imageQueriesOpen,
      this.auditEvents,
      this.auditSealed,
      this.lastCheckpointAge,
      this.lastVerifyAge,
      this.lastVerifyOk,
    ];
    this.gauges = [
      this.readsSubmitted,
      this.adjudicationsOpen,
      this.imageQueriesOpen,
      this.photoSets,
      this.auditEvents,
      this.auditSealed,
      this.lastCheckpointAge,
      this.lastVerifyAge,
      this.lastVerifyOk,
    ];
  }

  async collect(): Promise<void> {
    const [totals, sets] = await Promise.all([
      this.repository.totals(),
      this.repository.setsByStatus(),
    ]);
    this.readsSubmitted.set(totals.readsSubmitted);
    this.adjudicationsOpen.set(totals.adjudicationsOpen);
    this.imageQueriesOpen.set(totals.imageQueriesOpen);
    this.auditEvents.set(totals.auditEvents);
    this.auditSealed.set(totals.auditSealed);
    this.lastCheckpointAge.set(ageSeconds(totals.lastCheckpointAt));
    // Every status, even at zero, so an alert on one does not see "no data" for an empty state.
    const counts = new Map(sets.map((row) => [row.status, row.sets]));
    for (const status of PHOTO_SET_STATUSES)
      this.photoSets.set({ status }, counts.get(status) ?? 0);
    this.lastVerifyAge.set(ageSeconds(totals.lastVerifiedAt));
    this.lastVerifyOk.set(totals.lastVerifyOk === 'true' ? 1 : 0);
  }

  /**
   * Postgres could not be read: NaN ("unknown", which no threshold alert compares true against)
   * rather than a stale figure or a reassuring zero; salt_metrics_source_up says why.
   */
  forget(): void {
    for (const gauge of this.gauges) gauge.reset();
    for (const gauge of this.unlabelled) gauge.set(NaN);
  }
}
