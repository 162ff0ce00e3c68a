import {
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { components } from '../openapi-types';

type ChartPoint = components['schemas']['ChartPointDto'];
type RereadStats = components['schemas']['RereadStatsDto'];

const ACCENT = '#1f6f8b';
const LIMIT = '#b3372d';
const GRID = '#e3e8eb';

export const asPercent = (rate: number) => Math.round(rate * 1000) / 10;
export const fixed = (value: number, digits = 2) => value.toFixed(digits);

interface OutDotProps {
  cx?: number;
  cy?: number;
  payload?: { out: boolean };
}

/** A subgroup's rate: a filled accent dot, or a larger red diamond when out of control. */
function RateDot({ cx, cy, payload }: OutDotProps) {
  if (cx === undefined || cy === undefined) return null;
  if (payload?.out) {
    const s = 7;
    return (
      <path
        d={`M${cx},${cy - s} L${cx + s},${cy} L${cx},${cy + s} L${cx - s},${cy} Z`}
        fill={LIMIT}
        stroke="#fff"
      />
    );
  }
  return <circle cx={cx} cy={cy} r={3.5} fill={ACCENT} />;
}

/**
 * One rater's discordance p-chart: each subgroup's share of reads in a discordant pair, the
 * study's pooled rate as the centre line, and the 3-sigma limits (they vary with subgroup size).
 */
export function DiscordancePChart({
  points,
  pooledRate,
  label,
}: {
  points: ChartPoint[];
  pooledRate: number;
  label: string;
}) {
  const data = points.map((point) => ({
    subgroup: point.index + 1,
    rate: asPercent(point.rate),
    upper: asPercent(point.upperLimit),
    lower: asPercent(point.lowerLimit),
    out: point.outOfControl,
  }));
  const top = Math.max(10, ...data.map((d) => Math.max(d.rate, d.upper)));
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data} margin={{ top: 10, right: 30, bottom: 20, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis
            dataKey="subgroup"
            type="number"
            domain={[0.5, Math.max(1, data.length) + 0.5]}
            allowDecimals={false}
            ticks={data.map((d) => d.subgroup)}
            label={{ value: 'Subgroup of reads', position: 'insideBottom', offset: -10 }}
          />
          <YAxis
            type="number"
            domain={[0, Math.ceil(top / 10) * 10]}
            unit="%"
            label={{ value: 'Discordant', angle: -90, position: 'insideLeft', offset: 10 }}
          />
          <Tooltip />
          <Legend
            verticalAlign="top"
            formatter={(value) => <span className="chart-legend-label">{value}</span>}
          />
          <ReferenceLine y={asPercent(pooledRate)} stroke="#5b6b75" />
          <Line
            name="Upper limit (3σ)"
            dataKey="upper"
            type="stepAfter"
            stroke={LIMIT}
            strokeDasharray="5 4"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            name="Lower limit (3σ)"
            dataKey="lower"
            type="stepAfter"
            stroke={LIMIT}
            strokeDasharray="2 3"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            name="Discordance rate"
            dataKey="rate"
            stroke={ACCENT}
            dot={<RateDot />}
            activeDot={false}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Mean signed difference (read − final SALT) per subgroup: drift shows as a trend away from 0. */
export function DriftChart({ points, label }: { points: ChartPoint[]; label: string }) {
  const data = points
    .filter((point) => point.meanSignedDifference !== null)
    .map((point) => ({
      subgroup: point.index + 1,
      difference: Math.round((point.meanSignedDifference as number) * 100) / 100,
    }));
  const reach = Math.max(5, ...data.map((d) => Math.ceil(Math.abs(d.difference))));
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={data} margin={{ top: 10, right: 30, bottom: 20, left: 0 }}>
          <CartesianGrid stroke={GRID} vertical={false} />
          <XAxis
            dataKey="subgroup"
            type="number"
            domain={[0.5, Math.max(1, points.length) + 0.5]}
            allowDecimals={false}
            ticks={points.map((point) => point.index + 1)}
            label={{ value: 'Subgroup of reads', position: 'insideBottom', offset: -10 }}
          />
          <YAxis
            type="number"
            domain={[-reach, reach]}
            label={{ value: 'Read − final', angle: -90, position: 'insideLeft', offset: 10 }}
          />
          <Tooltip />
          <ReferenceLine y={0} stroke="#5b6b75" />
          <Line
            name="Mean signed difference"
            dataKey="difference"
            stroke={ACCENT}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * Bland–Altman plot of a rater's re-reads: re-read − first read against their mean, with the
 * mean difference and ± the repeatability coefficient (95% of differences expected within).
 */
export function RereadPlot({ stats, label }: { stats: RereadStats; label: string }) {
  const data = stats.pairs.map((pair) => ({
    mean: Math.round(((pair.first + pair.second) / 2) * 10) / 10,
    difference: Math.round((pair.second - pair.first) * 10) / 10,
  }));
  const rc = stats.repeatability;
  const reach = Math.max(
    5,
    ...data.map((d) => Math.ceil(Math.abs(d.difference))),
    rc ? Math.ceil(Math.abs(rc.meanDifference) + rc.coefficient) : 0,
  );
  return (
    <div className="chart" role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={260}>
        <ScatterChart margin={{ top: 10, right: 30, bottom: 20, left: 0 }}>
          <CartesianGrid stroke={GRID} />
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
            name="Re-read − first"
            domain={[-reach, reach]}
            label={{ value: 'Re-read − first', angle: -90, position: 'insideLeft', offset: 10 }}
          />
          <Tooltip />
          <ReferenceLine y={0} stroke="#8a9aa5" />
          {rc && <ReferenceLine y={rc.meanDifference} stroke={ACCENT} />}
          {rc && (
            <ReferenceLine
              y={rc.meanDifference + rc.coefficient}
              stroke={LIMIT}
              strokeDasharray="4 4"
            />
          )}
          {rc && (
            <ReferenceLine
              y={rc.meanDifference - rc.coefficient}
              stroke={LIMIT}
              strokeDasharray="4 4"
            />
          )}
          <Scatter data={data} fill={ACCENT} isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
