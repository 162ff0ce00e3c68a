import type { ReactNode } from 'react';
import { formatSalt } from '../salt';
import { RATE_CRITERIA, type Rate, type Summary, type VisitEndpoints } from '../types';

const MINUS = '\u2212';

/** A number with one decimal and a real minus sign; "—" when there is none. */
function decimal(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined) return '—';
  const text = Math.abs(value).toFixed(1);
  // -0.04 rounds to "0.0": no sign on a zero.
  return `${value < 0 && Number(text) !== 0 ? MINUS : ''}${text}${unit}`;
}

/** A change: signed both ways, so a rise and a fall read differently at a glance. */
function signed(value: number | null, unit = ''): string {
  if (value === null) return '—';
  return value > 0 && Number(value.toFixed(1)) !== 0
    ? `+${decimal(value, unit)}`
    : decimal(value, unit);
}

const percent = (value: number) => `${Math.round(value * 100)}%`;

/** "mean (SD)", with the SD left out when there is none (n < 2). */
function meanSd(summary: Summary | null, show: (value: number | null) => string): string {
  if (!summary || summary.n === 0) return '—';
  return summary.sd === null
    ? show(summary.mean)
    : `${show(summary.mean)} (${decimal(summary.sd)})`;
}

/** "median (Q1 to Q3)", the quartiles on a line of their own so the table fits a screen. */
function medianIqr(summary: Summary | null, show: (value: number | null) => string): ReactNode {
  if (!summary || summary.n === 0) return '—';
  return (
    <>
      {show(summary.median)}{' '}
      <span className="iqr">
        ({show(summary.q1)} to {show(summary.q3)})
      </span>
    </>
  );
}

/**
 * "x/n, rate (95% CI low–high)"; "—" where the criterion does not apply (SALT50 at baseline),
 * "0/0" where nobody could be judged (no subject has a final baseline yet).
 */
export function rateText(rate: Rate | undefined): string {
  if (!rate) return '—';
  if (rate.rate === null || rate.ciLow === null || rate.ciHigh === null) return `${rate.count}/0`;
  return `${rate.count}/${rate.n}, ${percent(rate.rate)} (${percent(rate.ciLow)}–${percent(rate.ciHigh)})`;
}

function VisitCell({ visit }: { visit: VisitEndpoints }) {
  return (
    <th scope="row">
      {visit.visit}
      {visit.baseline && <span className="tag">baseline</span>}
      {!visit.scheduled && <span className="tag warn">not on the schedule</span>}
      {visit.plannedDay !== null && <span className="planned-day">day {visit.plannedDay}</span>}
    </th>
  );
}

/**
 * A table that may be wider than the screen: a named region that takes keyboard focus, so it can
 * be scrolled without a mouse.
 */
function ScrollingTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

/** Final SALT per visit, and its change from baseline. */
export function SaltSummaryTable({ visits }: { visits: VisitEndpoints[] }) {
  const absolute = (value: number | null) => formatSalt(value);
  const change = (value: number | null) => signed(value);
  const relative = (value: number | null) => signed(value, '%');
  return (
    <ScrollingTable label="Final SALT per visit, table">
      <table className="data endpoints" aria-labelledby="endpoints-salt-heading">
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              Visit
            </th>
            <th scope="col" rowSpan={2}>
              Final / sets
            </th>
            <th scope="colgroup" colSpan={3}>
              Final SALT
            </th>
            <th scope="colgroup" colSpan={3}>
              Change from baseline
            </th>
            <th scope="colgroup" colSpan={2}>
              Percent change from baseline
            </th>
          </tr>
          <tr>
            <th scope="col">Mean (SD)</th>
            <th scope="col">Median (IQR)</th>
            <th scope="col">Range</th>
            <th scope="col">n</th>
            <th scope="col">Mean (SD)</th>
            <th scope="col">Median (IQR)</th>
            <th scope="col">Mean (SD)</th>
            <th scope="col">Median (IQR)</th>
          </tr>
        </thead>
        <tbody>
          {visits.map((visit) => (
            <tr key={visit.visit} data-visit={visit.visit}>
              <VisitCell visit={visit} />
              <td className="num" data-measure="final-of-sets">
                {visit.salt.n} / {visit.sets}
              </td>
              <td className="num" data-measure="mean">
                {meanSd(visit.salt, absolute)}
              </td>
              <td className="num" data-measure="median">
                {medianIqr(visit.salt, absolute)}
              </td>
              <td className="num" data-measure="range">
                {visit.salt.n === 0
                  ? '—'
                  : `${formatSalt(visit.salt.min)}–${formatSalt(visit.salt.max)}`}
              </td>
              {visit.baseline ? (
                <td colSpan={5} className="muted-cell">
                  baseline visit
                </td>
              ) : (
                <>
                  <td className="num" data-measure="change-n">
                    {visit.change?.n ?? 0}
                  </td>
                  <td className="num" data-measure="change-mean">
                    {meanSd(visit.change, change)}
                  </td>
                  <td className="num" data-measure="change-median">
                    {medianIqr(visit.change, change)}
                  </td>
                  <td className="num" data-measure="percent-change-mean">
                    {meanSd(visit.percentChange, relative)}
                  </td>
                  <td className="num" data-measure="percent-change-median">
                    {medianIqr(visit.percentChange, relative)}
                  </td>
                </>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}

/** Responder rates per visit: count of n, the rate and its Wilson 95% CI. */
export function ResponderTable({ visits }: { visits: VisitEndpoints[] }) {
  const labels = new Map(
    visits.flatMap((visit) => visit.rates.map((rate) => [rate.criterion, rate.label] as const)),
  );
  return (
    <ScrollingTable label="Responder rates, table">
      <table className="data endpoints" aria-labelledby="endpoints-rates-heading">
        <thead>
          <tr>
            <th scope="col">Visit</th>
            {RATE_CRITERIA.map((criterion) => (
              <th scope="col" key={criterion}>
                {labels.get(criterion) ?? criterion}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {visits.map((visit) => (
            <tr key={visit.visit} data-visit={visit.visit}>
              <VisitCell visit={visit} />
              {RATE_CRITERIA.map((criterion) => (
                <td className="num" key={criterion} data-criterion={criterion}>
                  {rateText(visit.rates.find((rate) => rate.criterion === criterion))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollingTable>
  );
}
