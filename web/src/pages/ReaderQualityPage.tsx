import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { ReasonDialog } from '../components/ReasonDialog';
import {
  asPercent,
  DiscordancePChart,
  DriftChart,
  fixed,
  RereadPlot,
} from '../components/ReaderQualityCharts';
import type { components } from '../openapi-types';
import { useSession } from '../session';

type Overview = components['schemas']['ReaderQualityOverviewDto'];
type RaterQuality = components['schemas']['RaterQualityDto'];
type Round = components['schemas']['QualificationRoundDto'];

const STATE_LABELS: Record<RaterQuality['status'], string> = {
  'in-training': 'In training',
  qualified: 'Qualified',
  failed: 'Failed',
};

const ROUND_LABELS: Record<Round['status'], string> = {
  open: 'open',
  passed: 'passed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The server's minimum for a grant or suspension reason (reader-quality ReasonDto). */
const MIN_QUALIFICATION_REASON = 10;

const when = (iso: string) => new Date(iso).toLocaleString();

function stateOf(rater: RaterQuality): string {
  return rater.suspended
    ? `Suspended (${STATE_LABELS[rater.status].toLowerCase()})`
    : STATE_LABELS[rater.status];
}

function describeRound(round: Round): string {
  const scores =
    round.meanAbsError === null
      ? ''
      : `: mean abs. error ${fixed(round.meanAbsError, 1)}, ${
          round.withinPercent === null ? '—' : `${fixed(round.withinPercent, 0)}%`
        } within`;
  return `Round ${round.roundNo} ${ROUND_LABELS[round.status]}${scores}`;
}

type Action = { kind: 'grant' | 'suspend'; rater: RaterQuality } | null;

/**
 * Reader quality (issue 12) for admins and auditors: each rater's qualification, their
 * discordance p-chart and drift, re-read repeatability, and the alerts the charts raised. Admins
 * also start a new round, qualify by hand or suspend, each with a reason kept in the audit trail.
 */
export function ReaderQualityPage({ studyId }: { studyId: string }) {
  const { has } = useSession();
  const canAct = has('admin');
  const queryClient = useQueryClient();
  const overview = useQuery({
    queryKey: ['reader-quality', studyId],
    queryFn: () => api.readerQuality(studyId),
    refetchInterval: 15_000,
  });
  const [selected, setSelected] = useState<string>('');
  const [action, setAction] = useState<Action>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['reader-quality', studyId] });
  const round = useMutation({
    mutationFn: (raterId: string) => api.newQualificationRound(studyId, raterId),
    onSuccess: refresh,
  });
  const decide = useMutation({
    mutationFn: ({
      kind,
      raterId,
      reason,
    }: {
      kind: 'grant' | 'suspend';
      raterId: string;
      reason: string;
    }) =>
      kind === 'grant'
        ? api.grantQualification(studyId, raterId, reason)
        : api.suspendRater(studyId, raterId, reason),
    onSuccess: async () => {
      setAction(null);
      await refresh();
    },
  });

  if (overview.isPending) return <Loading what="reader quality" />;
  if (overview.error) return <ErrorBox error={overview.error} />;
  const data: Overview = overview.data;
  const rater =
    data.raters.find((r) => r.raterId === selected) ??
    data.raters.find((r) => r.chart.length > 0) ??
    data.raters[0];

  return (
    <div className="stack reader-quality">
      <section className="card" aria-labelledby="rq-raters">
        <h2 id="rq-raters">Raters</h2>
        <p className="hint">
          Qualification: {data.settings.qualificationSetCount} calibration set
          {data.settings.qualificationSetCount === 1 ? '' : 's'}, pass with a mean absolute SALT
          error ≤ {data.settings.passMaxMeanAbsError} and at least{' '}
          {data.settings.passMinWithinPercent}% within the study’s maximum difference. Pooled
          discordance rate {asPercent(data.pooledDiscordanceRate)}%, subgroups of{' '}
          {data.subgroupSize} reads.
        </p>
        {round.error ? <ErrorBox error={round.error} title="No new round was started." /> : null}
        {data.raters.length === 0 ? (
          <p className="notice">No raters in this study yet.</p>
        ) : (
          <table className="data">
            <caption className="sr-only">Raters and their qualification</caption>
            <thead>
              <tr>
                <th scope="col">Rater</th>
                <th scope="col">State</th>
                <th scope="col">Qualification rounds</th>
                <th scope="col">Subgroups out of control</th>
                {canAct && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {data.raters.map((r) => (
                <tr key={r.raterId}>
                  <th scope="row">
                    {r.name}
                    {!r.active && <span className="hint"> (deactivated)</span>}
                  </th>
                  <td>
                    <span className={`rq-state rq-${r.suspended ? 'suspended' : r.status}`}>
                      {stateOf(r)}
                    </span>
                    {r.suspensionReason && <p className="hint">{r.suspensionReason}</p>}
                  </td>
                  <td>
                    {r.rounds.length === 0 ? (
                      '—'
                    ) : (
                      <ul className="plain-list">
                        {r.rounds.map((item) => (
                          <li key={item.roundNo}>{describeRound(item)}</li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="num">
                    {r.chart.filter((point) => point.outOfControl).length} of {r.chart.length}
                  </td>
                  {canAct && (
                    <td>
                      <div className="rq-actions">
                        <button
                          type="button"
                          aria-label={`New round for ${r.name}`}
                          disabled={round.isPending || (r.status === 'in-training' && !r.suspended)}
                          onClick={() => round.mutate(r.raterId)}
                        >
                          New round
                        </button>
                        <button
                          type="button"
                          aria-label={`Qualify ${r.name} by hand`}
                          disabled={r.status === 'qualified' && !r.suspended}
                          onClick={() => {
                            decide.reset();
                            setAction({ kind: 'grant', rater: r });
                          }}
                        >
                          Qualify…
                        </button>
                        <button
                          type="button"
                          className="danger"
                          aria-label={`Suspend ${r.name}`}
                          disabled={r.suspended}
                          onClick={() => {
                            decide.reset();
                            setAction({ kind: 'suspend', rater: r });
                          }}
                        >
                          Suspend…
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="card" aria-labelledby="rq-alerts">
        <h2 id="rq-alerts">Alerts</h2>
        {data.alerts.length === 0 ? (
          <p className="notice">No alerts: every charted subgroup is within its limits.</p>
        ) : (
          <table className="data">
            <caption className="sr-only">Alerts raised by the discordance charts</caption>
            <thead>
              <tr>
                <th scope="col">Raised</th>
                <th scope="col">Rater</th>
                <th scope="col">Subgroup</th>
                <th scope="col">Discordance rate</th>
                <th scope="col">Limits</th>
              </tr>
            </thead>
            <tbody>
              {data.alerts.map((alert) => (
                <tr key={alert.id}>
                  <td>{when(alert.createdAt)}</td>
                  <td>{alert.raterName}</td>
                  <td className="num">{alert.pointIndex + 1}</td>
                  <td className="num">{asPercent(alert.value)}%</td>
                  <td className="num">
                    {asPercent(alert.lowerLimit)}–{asPercent(alert.upperLimit)}%
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {rater && <RaterCharts rater={rater} data={data} onSelect={setSelected} />}

      {action && (
        <ReasonDialog
          minLength={MIN_QUALIFICATION_REASON}
          open
          title={
            action.kind === 'grant'
              ? `Qualify ${action.rater.name} by hand?`
              : `Suspend ${action.rater.name}?`
          }
          description={
            action.kind === 'grant'
              ? 'The rater becomes qualified in this study and receives live reads.'
              : 'The rater gets no new tasks in this study; their open live tasks are handed to other raters.'
          }
          confirmLabel={action.kind === 'grant' ? 'Qualify' : 'Suspend'}
          busy={decide.isPending}
          error={decide.error}
          onCancel={() => setAction(null)}
          onConfirm={(reason) =>
            decide.mutate({ kind: action.kind, raterId: action.rater.raterId, reason })
          }
        />
      )}
    </div>
  );
}

function RaterCharts({
  rater,
  data,
  onSelect,
}: {
  rater: RaterQuality;
  data: Overview;
  onSelect: (id: string) => void;
}) {
  const { icc, repeatability, pairs } = rater.rereads;
  return (
    <section className="card" aria-labelledby="rq-charts">
      <h2 id="rq-charts">Charts for {rater.name}</h2>
      <div className="filters">
        <Field id="rq-rater" label="Rater" layout="inline wide">
          {(control) => (
            <select
              {...control}
              value={rater.raterId}
              onChange={(event) => onSelect(event.target.value)}
            >
              {data.raters.map((r) => (
                <option key={r.raterId} value={r.raterId}>
                  {r.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <h3>Discordance p-chart</h3>
      {rater.chart.length === 0 ? (
        <p className="notice">Not enough live reads for a first subgroup yet.</p>
      ) : (
        <figure className="chart-figure">
          <DiscordancePChart
            points={rater.chart}
            pooledRate={data.pooledDiscordanceRate}
            label={`Discordance p-chart for ${rater.name}: ${rater.chart.length} subgroups, ${
              rater.chart.filter((p) => p.outOfControl).length
            } out of control; the table below lists every point`}
          />
          <figcaption>
            Share of reads in a discordant pair per subgroup; grey line the study’s pooled rate (
            {asPercent(data.pooledDiscordanceRate)}%), dashed red lines the 3-sigma limits, red
            diamonds points out of control.
          </figcaption>
          <details>
            <summary>The p-chart as a table</summary>
            <table className="data">
              <caption className="sr-only">Discordance p-chart for {rater.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Subgroup</th>
                  <th scope="col">Reads</th>
                  <th scope="col">Discordant</th>
                  <th scope="col">Rate</th>
                  <th scope="col">Limits</th>
                  <th scope="col">In control</th>
                  <th scope="col">Mean read − final</th>
                </tr>
              </thead>
              <tbody>
                {rater.chart.map((point) => (
                  <tr key={point.index} className={point.outOfControl ? 'rq-out' : undefined}>
                    <td className="num">{point.index + 1}</td>
                    <td className="num">{point.n}</td>
                    <td className="num">{point.discordant}</td>
                    <td className="num">{asPercent(point.rate)}%</td>
                    <td className="num">
                      {asPercent(point.lowerLimit)}–{asPercent(point.upperLimit)}%
                    </td>
                    <td>{point.outOfControl ? 'No: out of control' : 'Yes'}</td>
                    <td className="num">
                      {point.meanSignedDifference === null
                        ? '—'
                        : fixed(point.meanSignedDifference)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </figure>
      )}

      <h3>Drift from the final score</h3>
      {rater.chart.every((point) => point.meanSignedDifference === null) ? (
        <p className="notice">No final sets in this rater’s subgroups yet.</p>
      ) : (
        <figure className="chart-figure">
          <DriftChart
            points={rater.chart}
            label={`Mean signed difference from the final SALT per subgroup for ${rater.name}; the p-chart table lists the values`}
          />
          <figcaption>
            Mean of the rater’s SALT minus the final SALT per subgroup; above 0 the rater reads
            higher than the final score.
          </figcaption>
        </figure>
      )}

      <h3>Re-read repeatability</h3>
      <dl className="rq-stats">
        <div>
          <dt>Re-read pairs</dt>
          <dd>{pairs.length}</dd>
        </div>
        <div>
          <dt>Test–retest ICC [95% CI]</dt>
          <dd>
            {icc ? `${fixed(icc.value, 3)} [${fixed(icc.lower, 3)}, ${fixed(icc.upper, 3)}]` : '—'}
          </dd>
        </div>
        <div>
          <dt>Repeatability coefficient [95% CI]</dt>
          <dd>
            {repeatability
              ? `${fixed(repeatability.coefficient)} [${fixed(repeatability.lower)}, ${fixed(
                  repeatability.upper,
                )}]`
              : '—'}
          </dd>
        </div>
        <div>
          <dt>Mean re-read − first</dt>
          <dd>{repeatability ? fixed(repeatability.meanDifference) : '—'}</dd>
        </div>
      </dl>
      {pairs.length === 0 ? (
        <p className="notice">No re-reads yet.</p>
      ) : (
        <figure className="chart-figure">
          <RereadPlot
            stats={rater.rereads}
            label={`Bland–Altman plot of ${pairs.length} re-reads by ${rater.name}: re-read minus first read against their mean`}
          />
          <figcaption>
            Re-read − first read against their mean; blue line the mean difference, dashed red lines
            ± the repeatability coefficient.
          </figcaption>
        </figure>
      )}
    </section>
  );
}
