import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface Trajectory {
  subjectCode: string;
  /** Final SALT by visit label; a visit without a final SALT is absent. */
  salt: Record<string, number>;
}

// Distinct enough side by side; past ten subjects the lines are read as a bundle anyway.
const COLOURS = [
  '#1f6f8b',
  '#b3372d',
  '#2b7651',
  '#8a5a00',
  '#6a3d9a',
  '#0f4c5c',
  '#c2185b',
  '#4e5d6a',
  '#7b6d00',
  '#00695c',
];

/** Each subject's final SALT over the scheduled visits, one line per subject. */
export function TrajectoryChart({
  visits,
  trajectories,
}: {
  visits: string[];
  trajectories: Trajectory[];
}) {
  const rows = visits.map((visit) => ({ visit }));
  return (
    <ResponsiveContainer width="100%" height={320}>
      <LineChart data={rows} margin={{ top: 10, right: 20, bottom: 10, left: 0 }}>
        <CartesianGrid stroke="#e3e8eb" vertical={false} />
        {/* Padded so the first and last visits' labels are not cut at the edges. */}
        <XAxis dataKey="visit" interval={0} padding={{ left: 40, right: 40 }} />
        <YAxis
          type="number"
          domain={[0, 100]}
          ticks={[0, 20, 40, 60, 80, 100]}
          label={{ value: 'SALT', angle: -90, position: 'insideLeft', offset: 15 }}
        />
        <Tooltip />
        {trajectories.map(({ subjectCode, salt }, index) => (
          <Line
            key={subjectCode}
            name={subjectCode}
            dataKey={(row: { visit: string }) => salt[row.visit] ?? null}
            stroke={COLOURS[index % COLOURS.length]}
            strokeOpacity={trajectories.length > COLOURS.length ? 0.55 : 1}
            dot={{ r: 3 }}
            // A missed visit is bridged: the line still shows where the subject went next.
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
