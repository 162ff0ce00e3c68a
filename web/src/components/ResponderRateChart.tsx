import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
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

const COLOURS = ['#1f6f8b', '#5fa8c2', '#2b7651', '#8a5a00', '#b3372d'];

type Row = Record<string, string | number | [number, number] | null>;

const percent = (value: number) => Math.round(value * 1000) / 10;

/** Responder rates per visit as bars, each with its 95% confidence interval as a whisker. */
export function ResponderRateChart({ visits, series }: { visits: string[]; series: RateSeries[] }) {
  const rows: Row[] = visits.map((visit) => {
    const row: Row = { visit };
    for (const { key, byVisit } of series) {
      const point = byVisit[visit];
      row[key] = point ? percent(point.rate) : null;
      // ErrorBar takes the distances below and above the bar, not the interval's ends.
      row[`${key}Ci`] = point
        ? [percent(point.rate) - percent(point.lower), percent(point.upper) - percent(point.rate)]
        : null;
    }
    return row;
  });
  return (
    <ResponsiveContainer width="100%" height={320}>
      <BarChart data={rows} margin={{ top: 10, right: 20, bottom: 10, left: 0 }}>
        <CartesianGrid stroke="#e3e8eb" vertical={false} />
        <XAxis dataKey="visit" interval={0} />
        <YAxis
          type="number"
          domain={[0, 100]}
          ticks={[0, 25, 50, 75, 100]}
          unit="%"
          label={{ value: 'Responders', angle: -90, position: 'insideLeft', offset: 10 }}
        />
        <Tooltip formatter={(value) => `${String(value)}%`} />
        <Legend />
        {series.map(({ key, label }, index) => (
          <Bar
            key={key}
            dataKey={key}
            name={label}
            fill={COLOURS[index % COLOURS.length]}
            isAnimationActive={false}
          >
            <ErrorBar dataKey={`${key}Ci`} width={4} stroke="#1d2a33" direction="y" />
          </Bar>
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
