import {
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  useXAxisScale,
  useYAxisScale,
  type TooltipContentProps,
} from 'recharts';

/** One responder criterion's rate at one visit, as proportions from 0 to 1. */
export interface RatePoint {
  rate: number;
  lower: number;
  upper: number;
}

export interface RateSeries {
  key: string;
  label: string;
  /** By visit label; absent where the rate is not defined (e.g. SALT50 at baseline). */
  byVisit: Record<string, RatePoint>;
}

interface Plotted {
  x: number;
  percent: number;
  lower: number;
  upper: number;
  visit: string;
  label: string;
  colour: string;
}

const COLOURS = ['#1f6f8b', '#5fa8c2', '#2b7651', '#8a5a00', '#b3372d'];
/** How far apart a visit's criteria sit, in visits (the axis runs −0.5 … k − 0.5). */
const SPREAD = 0.14;

const percent = (value: number) => Math.round(value * 1000) / 10;

function RateTooltip({ active, payload }: TooltipContentProps) {
  const point = payload?.[0]?.payload as Plotted | undefined;
  if (!active || !point) return null;
  return (
    <div className="chart-tooltip">
      {point.visit}, {point.label}: {point.percent}% (95% CI {point.lower}–{point.upper}%)
    </div>
  );
}

/** Each rate's 95% CI as a whisker with caps, drawn in the chart's own coordinates. */
function Whiskers({ points }: { points: Plotted[] }) {
  const x = useXAxisScale();
  const y = useYAxisScale();
  if (!x || !y) return null;
  return (
    <g className="rate-whiskers">
      {points.map((point) => {
        const [centre, left, right] = [point.x, point.x - 0.03, point.x + 0.03].map((v) => x(v));
        const [low, high] = [y(point.lower), y(point.upper)];
        if ([centre, left, right, low, high].some((v) => v === undefined)) return null;
        return (
          <g key={`${point.label}|${point.visit}`} stroke={point.colour} strokeWidth={1.5}>
            <line x1={centre} x2={centre} y1={low} y2={high} />
            <line x1={left} x2={right} y1={low} y2={low} />
            <line x1={left} x2={right} y1={high} y2={high} />
          </g>
        );
      })}
    </g>
  );
}

/**
 * Responder rates per visit, each a dot with its 95% confidence interval as a whisker. Dots
 * rather than bars: a rate of 0 of 5 still shows, and its interval (up to 43%) matters most.
 */
export function ResponderRateChart({ visits, series }: { visits: string[]; series: RateSeries[] }) {
  const offset = (index: number) => (index - (series.length - 1) / 2) * SPREAD;
  const plotted: Plotted[][] = series.map(({ label, byVisit }, index) =>
    visits.flatMap((visit, at) => {
      const point = byVisit[visit];
      if (!point) return [];
      const [rate, lower, upper] = [point.rate, point.lower, point.upper].map(percent);
      const colour = COLOURS[index % COLOURS.length];
      return [{ x: at + offset(index), percent: rate, lower, upper, visit, label, colour }];
    }),
  );
  return (
    <ResponsiveContainer width="100%" height={320}>
      <ScatterChart margin={{ top: 10, right: 20, bottom: 10, left: 0 }}>
        <CartesianGrid stroke="#e3e8eb" vertical={false} />
        <XAxis
          type="number"
          dataKey="x"
          domain={[-0.5, visits.length - 0.5]}
          ticks={visits.map((_, index) => index)}
          tickFormatter={(index: number) => visits[index] ?? ''}
          interval={0}
          allowDecimals={false}
        />
        <YAxis
          type="number"
          dataKey="percent"
          domain={[0, 100]}
          ticks={[0, 25, 50, 75, 100]}
          unit="%"
          label={{ value: 'Responders', angle: -90, position: 'insideLeft', offset: 10 }}
        />
        <Tooltip content={RateTooltip} cursor={false} />
        <Legend
          // In the criteria's own order (absolute, then relative), not alphabetical.
          itemSorter={null}
          formatter={(value) => <span className="chart-legend-label">{value}</span>}
        />
        <Whiskers points={plotted.flat()} />
        {series.map(({ key, label }, index) => (
          <Scatter
            key={key}
            name={label}
            data={plotted[index]}
            fill={COLOURS[index % COLOURS.length]}
            isAnimationActive={false}
          />
        ))}
      </ScatterChart>
    </ResponsiveContainer>
  );
}
