import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import type { AgreementScale, Icc, Interval } from '../types';

const fixed = (value: number | null | undefined, digits = 2) =>
  value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits);
const interval = (ci: Interval | undefined, digits = 2) =>
  ci ? `[${fixed(ci.lower, digits)}, ${fixed(ci.upper, digits)}]` : '';
const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);
const withCi = (value: number, ci: Interval, digits = 1) =>
  `${fixed(value, digits)} ${interval(ci, digits)}`;

type Agreement = Awaited<ReturnType<typeof api.agreement>>;
type BlandAltman = NonNullable<Agreement['blandAltmanPooled']>;

function IccCell({ icc }: { icc: Icc | null }) {
  if (!icc) return <>not enough pairs yet</>;
  return (
    <>
      <strong>{fixed(icc.value)}</strong> 95% CI {interval(icc.ci95)} · n = {icc.n}
    </>
  );
}

/** Agreement statistics and reader monitoring (auditor, admin). */
export function AgreementPanel({ studyId }: { studyId: string }) {
  const [scale, setScale] = useState<AgreementScale>('aa-iga');
  // 'pooled', or the two rater ids of a fixed pair joined by '|'.
  const [plotted, setPlotted] = useState('pooled');
  const agreement = useQuery({
    queryKey: ['agreement', studyId, scale],
    queryFn: () => api.agreement(studyId, scale),
  });
  // The points come from the results table; the bias and limits from the server's statistics.
  const results = useQuery({ queryKey: ['results', studyId], queryFn: () => api.results(studyId) });
  if (agreement.isPending) return <Loading what="agreement statistics" />;
  if (agreement.error) return <ErrorBox error={agreement.error} />;
  const data = agreement.data;
  const name = (id: string) => data.raterNames[id] ?? id.slice(0, 8);
  // The plot shows the pooled slot A − slot B, or one fixed pair oriented as its statistics are.
  const pair = data.blandAltmanByPair.find((item) => item.raterIds.join('|') === plotted);
  const ba: BlandAltman | null = pair ?? data.blandAltmanPooled;
  const points = (results.data?.items ?? []).flatMap((row) => {
    if (!row.readA || !row.readB) return [];
    const mean = (row.readA.salt + row.readB.salt) / 2;
    if (!pair) return [{ mean, difference: row.readA.salt - row.readB.salt }];
    const [first, second] = pair.raterIds;
    if (row.readA.raterId === first && row.readB.raterId === second) {
      return [{ mean, difference: row.readA.salt - row.readB.salt }];
    }
    if (row.readB.raterId === first && row.readA.raterId === second) {
      return [{ mean, difference: row.readB.salt - row.readA.salt }];
    }
    return [];
  });
  const plotLabel = pair ? pair.difference : 'Read A − Read B, every pair pooled';
  // Symmetric around zero, so a bias shows as a visible shift off the zero line.
  const reach = Math.ceil(
    Math.max(
      5,
      ...points.map((p) => Math.abs(p.difference)),
      Math.abs(ba?.lowerLimit ?? 0),
      Math.abs(ba?.upperLimit ?? 0),
    ) * 1.1,
  );
  return (
    <div className="stack">
      <div className="filters">
        <Field id="agreement-scale" label="Categories for kappa" layout="inline">
          {(control) => (
            <select
              {...control}
              value={scale}
              onChange={(event) => setScale(event.target.value as AgreementScale)}
            >
              <option value="aa-iga">AA-IGA</option>
              <option value="olsen-s">Olsen S classes</option>
            </select>
          )}
        </Field>
      </div>
      <section className="card" aria-labelledby="agreement-summary">
        <h2 id="agreement-summary">Agreement</h2>
        <dl className="facts">
          <dt>Evaluated pairs</dt>
          <dd>
            {data.pairs} ({data.discordant} discordant)
          </dd>
          <dt>ICC(1,1), study-wide (one-way random)</dt>
          <dd>
            <IccCell icc={data.icc11} />
          </dd>
          {data.icc21ByPair.map((pair) => (
            <div key={pair.raterIds.join('|')} className="contents">
              <dt>
                ICC(2,1), {name(pair.raterIds[0])} &amp; {name(pair.raterIds[1])}
              </dt>
              <dd>
                <IccCell icc={pair} />
              </dd>
            </div>
          ))}
          <dt>Bland–Altman, every pair pooled (slot A − slot B; bias near 0 by design)</dt>
          <dd>
            {data.blandAltmanPooled
              ? `bias ${withCi(data.blandAltmanPooled.bias, data.blandAltmanPooled.biasCi95)}; ` +
                `limits ${fixed(data.blandAltmanPooled.lowerLimit, 1)} to ` +
                `${fixed(data.blandAltmanPooled.upperLimit, 1)}`
              : 'not enough pairs yet'}
          </dd>
          <dt>Weighted kappa ({data.kappa?.scale ?? scale})</dt>
          <dd>
            {!data.kappa
              ? 'not enough pairs yet'
              : data.kappa.linear === null || data.kappa.quadratic === null
                ? 'not defined (see notes)'
                : `linear ${fixed(data.kappa.linear)}, quadratic ${fixed(data.kappa.quadratic)}`}
          </dd>
        </dl>
        <h3 id="agreement-notes">Notes</h3>
        <ul className="hint">
          {data.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      </section>
      <section className="card" aria-labelledby="ba-pairs">
        <h2 id="ba-pairs">Bland–Altman per rater pair</h2>
        {data.blandAltmanByPair.length === 0 ? (
          <p className="notice">No rater pair has read five sets together yet.</p>
        ) : (
          <table className="data">
            <caption className="hint">
              Each difference is the first-named rater − the second, on every set both read. 95%
              intervals; those of the limits are exact (non-central t).
            </caption>
            <thead>
              <tr>
                <th scope="col">Difference</th>
                <th scope="col">Sets</th>
                <th scope="col">Bias [95% CI]</th>
                <th scope="col">Lower limit [95% CI]</th>
                <th scope="col">Upper limit [95% CI]</th>
              </tr>
            </thead>
            <tbody>
              {data.blandAltmanByPair.map((item) => (
                <tr key={item.raterIds.join('|')}>
                  <th scope="row">{item.difference}</th>
                  <td className="num">{item.n}</td>
                  <td className="num">{withCi(item.bias, item.biasCi95)}</td>
                  <td className="num">{withCi(item.lowerLimit, item.lowerLimitCi95)}</td>
                  <td className="num">{withCi(item.upperLimit, item.upperLimitCi95)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {points.length > 0 && (
        <section className="card" aria-labelledby="ba-plot">
          <h2 id="ba-plot">Bland–Altman plot</h2>
          <div className="filters">
            <Field id="ba-plot-pair" label="Differences" layout="inline wide">
              {(control) => (
                <select
                  {...control}
                  value={pair ? plotted : 'pooled'}
                  onChange={(event) => setPlotted(event.target.value)}
                >
                  <option value="pooled">Every pair pooled (Read A − Read B)</option>
                  {data.blandAltmanByPair.map((item) => (
                    <option key={item.raterIds.join('|')} value={item.raterIds.join('|')}>
                      {item.difference}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <div
            className="chart"
            role="img"
            aria-label={`${plotLabel}, against the mean of the two reads`}
          >
            <ResponsiveContainer width="100%" height={280}>
              <ScatterChart margin={{ top: 10, right: 30, bottom: 20, left: 0 }}>
                <CartesianGrid stroke="#e3e8eb" />
                <XAxis
                  type="number"
                  dataKey="mean"
                  name="Mean SALT"
                  domain={[0, 100]}
                  label={{ value: 'Mean of the two reads', position: 'insideBottom', offset: -10 }}
                />
                <YAxis
                  type="number"
                  dataKey="difference"
                  name={pair ? pair.difference : 'A − B'}
                  domain={[-reach, reach]}
                />
                <ReferenceLine y={0} stroke="#8a9aa5" />
                <Tooltip />
                {ba && <ReferenceLine y={ba.bias} stroke="#1f6f8b" label="bias" />}
                {ba && <ReferenceLine y={ba.upperLimit} stroke="#b3372d" strokeDasharray="4 4" />}
                {ba && <ReferenceLine y={ba.lowerLimit} stroke="#b3372d" strokeDasharray="4 4" />}
                <Scatter data={points} fill="#1f6f8b" isAnimationActive={false} />
              </ScatterChart>
            </ResponsiveContainer>
          </div>
        </section>
      )}
      <section className="card" aria-labelledby="reader-monitoring">
        <h2 id="reader-monitoring">Reader monitoring</h2>
        {data.raters.length === 0 ? (
          <p className="notice">No evaluated reads yet.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Rater</th>
                <th scope="col">Reads</th>
                <th scope="col">Discordant</th>
                <th scope="col">Adjudication rate</th>
                <th scope="col">Chosen by adjudicator</th>
                <th scope="col">Disagreement index</th>
                <th scope="col">Mean difference from partners [95% CI]</th>
              </tr>
            </thead>
            <tbody>
              {data.raters.map((rater) => (
                <tr key={rater.raterId}>
                  <td>{name(rater.raterId)}</td>
                  <td className="num">{rater.reads}</td>
                  <td className="num">{rater.discordant}</td>
                  <td className="num">{percent(rater.adjudicationRate)}</td>
                  <td className="num">
                    {rater.chosen} of {rater.adjudicatedWithChoice} ({percent(rater.chosenRate)})
                  </td>
                  <td className="num">{percent(rater.disagreementIndex)}</td>
                  <td className="num">
                    {rater.meanDifferenceFromPartners === null || !rater.meanDifferenceCi95
                      ? '—'
                      : withCi(rater.meanDifferenceFromPartners, rater.meanDifferenceCi95)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
