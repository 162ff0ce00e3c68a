import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { ResponderRateChart, type RateSeries } from '../components/ResponderRateChart';
import { SaltBoxPlot, type SaltPoint, type VisitBox } from '../components/SaltBoxPlot';
import { TrajectoryChart, type Trajectory } from '../components/TrajectoryChart';
import { formatSalt } from '../salt';
import { RATE_CRITERIA, type ResultRow, type VisitEndpoints } from '../types';
import { ResponderTable, SaltSummaryTable, rateText } from './EndpointTables';

// Beyond these the plots stop being readable (and the browser slows); the tables and the
// downloads always cover every subject.
const MAX_POINTS = 2000;
const MAX_TRAJECTORIES = 30;
const MAX_NAMED = 25;

/** A chart with what it shows said in words: a caption for everyone, a label for screen readers. */
function ChartFigure({
  id,
  title,
  summary,
  caption,
  data,
  children,
}: {
  id: string;
  title: string;
  summary: string;
  caption: ReactNode;
  /** The plotted values as a table, where no other table on the page has them. */
  data?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <figure className="chart-figure">
        <div className="chart" role="img" aria-label={summary}>
          {children}
        </div>
        <figcaption>{caption}</figcaption>
      </figure>
      {data}
    </section>
  );
}

/** Every n-th item, so a big study still shows its spread without drawing 100k dots. */
function thin<T>(items: T[], most: number): T[] {
  if (items.length <= most) return items;
  const step = items.length / most;
  return Array.from({ length: most }, (_, index) => items[Math.floor(index * step)]);
}

function boxSummary(visits: VisitEndpoints[]): string {
  return `Box plot of final SALT per visit. ${visits
    .map(({ visit, salt }) =>
      salt.n === 0
        ? `${visit}: no final SALT yet.`
        : `${visit}: n ${salt.n}, median ${formatSalt(salt.median)}, quartiles ${formatSalt(salt.q1)} to ${formatSalt(salt.q3)}, range ${formatSalt(salt.min)} to ${formatSalt(salt.max)}.`,
    )
    .join(' ')}`;
}

function rateSummary(visits: VisitEndpoints[]): string {
  return `Responder rates per visit with 95% confidence intervals. ${visits
    .map(
      (visit) =>
        `${visit.visit}: ${visit.rates.map((rate) => `${rate.label} ${rateText(rate)}`).join('; ')}.`,
    )
    .join(' ')}`;
}

/** Each subject's final SALT by visit, from the results table. */
function trajectoriesOf(rows: ResultRow[]): Trajectory[] {
  const bySubject = new Map<string, Record<string, number>>();
  for (const row of rows) {
    if (row.finalSalt === null) continue;
    const salt = bySubject.get(row.subjectCode) ?? {};
    salt[row.visit] = row.finalSalt;
    bySubject.set(row.subjectCode, salt);
  }
  return [...bySubject]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([subjectCode, salt]) => ({ subjectCode, salt }));
}

function SubjectNames({ subjects }: { subjects: string[] }) {
  const shown = subjects.slice(0, MAX_NAMED);
  return (
    <>
      {shown.join(', ')}
      {subjects.length > shown.length && ` and ${subjects.length - shown.length} more`}
    </>
  );
}

/** What the table leaves out, visit by visit: never imputed, always named. */
function LeftOut({ visits }: { visits: VisitEndpoints[] }) {
  const pending = visits.filter((visit) => visit.notFinal.count > 0);
  const noBaseline = visits.filter((visit) => visit.noBaseline.count > 0);
  const baselineZero = visits.filter((visit) => visit.baselineZero.count > 0);
  return (
    <section className="card" aria-labelledby="endpoints-left-out">
      <h2 id="endpoints-left-out">Not counted</h2>
      {pending.length === 0 ? (
        <p className="notice">Every photo set in the study is final.</p>
      ) : (
        <>
          <h3>Sets not final yet (not counted, not imputed)</h3>
          <ul className="left-out" data-testid="not-final">
            {pending.map((visit) => (
              <li key={visit.visit}>
                <strong>{visit.visit}</strong>: {visit.notFinal.count} —{' '}
                <SubjectNames subjects={visit.notFinal.subjects} />
              </li>
            ))}
          </ul>
        </>
      )}
      {noBaseline.length > 0 && (
        <>
          <h3>No final baseline (left out of change and SALT50/75/90)</h3>
          <ul className="left-out">
            {noBaseline.map((visit) => (
              <li key={visit.visit}>
                <strong>{visit.visit}</strong>: {visit.noBaseline.count} —{' '}
                <SubjectNames subjects={visit.noBaseline.subjects} />
              </li>
            ))}
          </ul>
        </>
      )}
      {baselineZero.length > 0 && (
        <>
          <h3>Baseline SALT 0 (no percent change; left out of SALT50/75/90)</h3>
          <ul className="left-out">
            {baselineZero.map((visit) => (
              <li key={visit.visit}>
                <strong>{visit.visit}</strong>: {visit.baselineZero.count} —{' '}
                <SubjectNames subjects={visit.baselineZero.subjects} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function TrajectoryTable({
  visits,
  trajectories,
}: {
  visits: string[];
  trajectories: Trajectory[];
}) {
  return (
    <details className="chart-data">
      <summary>The plotted values as a table</summary>
      <div className="table-scroll">
        <table className="data compact">
          <caption className="sr-only">Final SALT by subject and visit</caption>
          <thead>
            <tr>
              <th scope="col">Subject</th>
              {visits.map((visit) => (
                <th scope="col" key={visit}>
                  {visit}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trajectories.map(({ subjectCode, salt }) => (
              <tr key={subjectCode}>
                <th scope="row">{subjectCode}</th>
                {visits.map((visit) => (
                  <td className="num" key={visit}>
                    {formatSalt(salt[visit])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/**
 * The trial endpoints (DESIGN §2) per scheduled visit, from final SALT only: the summary table,
 * responder rates with Wilson CIs, what is not counted yet, three plots, and the downloads a
 * statistician takes away (coordinator, auditor, admin).
 */
export function EndpointsPanel({ studyId }: { studyId: string }) {
  const endpoints = useQuery({
    queryKey: ['endpoints', studyId],
    queryFn: () => api.endpoints(studyId),
  });
  // The individual values behind the boxes and lines; the summaries come from the server.
  const results = useQuery({ queryKey: ['results', studyId], queryFn: () => api.results(studyId) });
  const downloads = (
    <div className="filters downloads">
      <a className="button" href={api.endpointsCsvUrl(studyId)} download>
        Endpoints table (CSV)
      </a>
      <a className="button" href={api.datasetCsvUrl(studyId, 'adsalt')} download>
        ADSALT: subject × visit dataset (CSV)
      </a>
      <a className="button" href={api.datasetCsvUrl(studyId, 'adread')} download>
        ADREAD: read-level dataset (CSV)
      </a>
    </div>
  );
  if (endpoints.isPending) return <Loading what="the endpoints" />;
  if (endpoints.error) return <ErrorBox error={endpoints.error} />;
  const { visits } = endpoints.data;
  if (visits.length === 0) {
    return (
      <div className="stack">
        {downloads}
        <p className="notice">No visits yet: set a visit schedule or upload photo sets.</p>
      </div>
    );
  }
  const labels = visits.map((visit) => visit.visit);
  const boxes: VisitBox[] = visits.map(({ visit, salt }) => ({
    visit,
    box:
      salt.min !== null &&
      salt.q1 !== null &&
      salt.median !== null &&
      salt.q3 !== null &&
      salt.max !== null
        ? { min: salt.min, q1: salt.q1, median: salt.median, q3: salt.q3, max: salt.max }
        : null,
  }));
  const rows = results.data?.items ?? [];
  const points: SaltPoint[] = rows.flatMap((row) =>
    row.finalSalt === null
      ? []
      : [{ visit: row.visit, subjectCode: row.subjectCode, salt: row.finalSalt }],
  );
  const shownPoints = thin(points, MAX_POINTS);
  const trajectories = trajectoriesOf(rows);
  const shownTrajectories = trajectories.slice(0, MAX_TRAJECTORIES);
  const series: RateSeries[] = RATE_CRITERIA.map((criterion) => {
    const byVisit: RateSeries['byVisit'] = {};
    let label: string = criterion;
    for (const visit of visits) {
      const rate = visit.rates.find((candidate) => candidate.criterion === criterion);
      if (!rate) continue;
      label = rate.label;
      if (rate.rate !== null && rate.ciLow !== null && rate.ciHigh !== null) {
        byVisit[visit.visit] = { rate: rate.rate, lower: rate.ciLow, upper: rate.ciHigh };
      }
    }
    return { key: criterion, label, byVisit };
  });
  const anyFinal = visits.some((visit) => visit.salt.n > 0);
  return (
    <div className="stack endpoints-panel">
      {downloads}
      <section className="card" aria-labelledby="endpoints-salt-heading">
        <h2 id="endpoints-salt-heading">Final SALT per visit</h2>
        <SaltSummaryTable visits={visits} />
        <p className="hint">
          From final SALT only. SD is the sample SD; quartiles as R type 7. Change is current −
          baseline per subject (negative = regrowth).
        </p>
      </section>
      <section className="card" aria-labelledby="endpoints-rates-heading">
        <h2 id="endpoints-rates-heading">Responder rates</h2>
        <ResponderTable visits={visits} />
        <p className="hint">
          Subjects meeting the criterion of those judged, the rate and its Wilson 95% confidence
          interval. SALT50/75/90: (baseline − current)/baseline ≥ 50/75/90 %, after baseline only.
        </p>
      </section>
      <LeftOut visits={visits} />
      {!anyFinal ? (
        <p className="notice">The plots appear once a photo set is final.</p>
      ) : results.error ? (
        <ErrorBox error={results.error} title="The plots need the results table." />
      ) : results.isPending ? (
        <Loading what="the values to plot" />
      ) : (
        <>
          <ChartFigure
            id="endpoints-box-plot"
            title="SALT per visit"
            summary={boxSummary(visits)}
            caption={
              <>
                Box: quartiles, with the median as a line; whiskers: minimum to maximum; dots: each
                subject’s final SALT
                {shownPoints.length < points.length &&
                  ` (${shownPoints.length} of ${points.length} shown)`}
                . The table “Final SALT per visit” gives the same figures.
              </>
            }
          >
            <SaltBoxPlot boxes={boxes} points={shownPoints} />
          </ChartFigure>
          <ChartFigure
            id="endpoints-trajectories"
            title="Subjects over visits"
            summary={`Final SALT over the visits for ${shownTrajectories.length} subjects, one line each; the table below lists every plotted value.`}
            caption={
              <>
                One line per subject
                {shownTrajectories.length < trajectories.length &&
                  `; the first ${shownTrajectories.length} of ${trajectories.length} subjects by code (ADSALT has them all)`}
                . A missed visit is bridged.
              </>
            }
            data={<TrajectoryTable visits={labels} trajectories={shownTrajectories} />}
          >
            <TrajectoryChart visits={labels} trajectories={shownTrajectories} />
          </ChartFigure>
          <ChartFigure
            id="endpoints-rate-plot"
            title="Responder rates per visit"
            summary={rateSummary(visits)}
            caption="Dots: share of subjects meeting each criterion; whiskers: Wilson 95% confidence interval. The table “Responder rates” gives the same figures."
          >
            <ResponderRateChart visits={labels} series={series} />
          </ChartFigure>
        </>
      )}
    </div>
  );
}
