import {
  CartesianGrid,
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
import { formatSalt } from '../salt';

/** Five-number summary of one visit's final SALT, as the server computed it. */
export interface BoxSummary {
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

export interface VisitBox {
  visit: string;
  /** Null when the visit has no final SALT yet: the visit keeps its place on the axis. */
  box: BoxSummary | null;
}

export interface SaltPoint {
  visit: string;
  subjectCode: string;
  salt: number;
}

interface PlottedPoint extends SaltPoint {
  x: number;
}

/** Half the width of a box, in visits (the axis runs −0.5 … k − 0.5). */
const BOX_HALF = 0.28;
const JITTER = 0.18;

/**
 * Sideways offset of a point, from its subject code: the same subject sits at the same offset at
 * every visit and on every render, so the plot does not shuffle when it refetches.
 */
function jitter(subjectCode: string): number {
  let hash = 2166136261;
  for (let i = 0; i < subjectCode.length; i++) {
    hash = Math.imul(hash ^ subjectCode.charCodeAt(i), 16777619);
  }
  return (((hash >>> 0) % 1000) / 999 - 0.5) * 2 * JITTER;
}

/** Draws the boxes and whiskers in the chart's own coordinates (a child of the chart). */
function Boxes({ boxes }: { boxes: VisitBox[] }) {
  const x = useXAxisScale();
  const y = useYAxisScale();
  if (!x || !y) return null;
  return (
    <g className="box-plot-boxes">
      {boxes.map(({ visit, box }, index) => {
        const left = x(index - BOX_HALF);
        const right = x(index + BOX_HALF);
        const centre = x(index);
        const [min, q1, median, q3, max] = box
          ? [box.min, box.q1, box.median, box.q3, box.max].map((value) => y(value))
          : [];
        if (
          left === undefined ||
          right === undefined ||
          centre === undefined ||
          min === undefined ||
          q1 === undefined ||
          median === undefined ||
          q3 === undefined ||
          max === undefined
        ) {
          return null;
        }
        const capLeft = centre - (right - left) / 4;
        const capRight = centre + (right - left) / 4;
        return (
          <g key={visit}>
            <line x1={centre} x2={centre} y1={max} y2={q3} className="whisker" />
            <line x1={centre} x2={centre} y1={q1} y2={min} className="whisker" />
            <line x1={capLeft} x2={capRight} y1={max} y2={max} className="whisker" />
            <line x1={capLeft} x2={capRight} y1={min} y2={min} className="whisker" />
            <rect
              x={left}
              y={q3}
              width={right - left}
              height={Math.max(q1 - q3, 1)}
              className="box"
            />
            <line x1={left} x2={right} y1={median} y2={median} className="median" />
          </g>
        );
      })}
    </g>
  );
}

function PointTooltip({ active, payload }: TooltipContentProps) {
  const point = payload?.[0]?.payload as PlottedPoint | undefined;
  if (!active || !point) return null;
  return (
    <div className="chart-tooltip">
      {point.subjectCode}, {point.visit}: SALT {formatSalt(point.salt)}
    </div>
  );
}

/**
 * Final SALT per visit: a box (quartiles, median) with whiskers to the minimum and maximum, and
 * every subject's value as a point beside it, so a small study's five values are all visible.
 */
export function SaltBoxPlot({ boxes, points }: { boxes: VisitBox[]; points: SaltPoint[] }) {
  const indexOf = new Map(boxes.map(({ visit }, index) => [visit, index]));
  const plotted: PlottedPoint[] = points.flatMap((point) => {
    const index = indexOf.get(point.visit);
    return index === undefined ? [] : [{ ...point, x: index + jitter(point.subjectCode) }];
  });
  return (
    <ResponsiveContainer width="100%" height={320}>
      <ScatterChart margin={{ top: 10, right: 20, bottom: 10, left: 0 }}>
        <CartesianGrid stroke="#e3e8eb" vertical={false} />
        <XAxis
          type="number"
          dataKey="x"
          domain={[-0.5, boxes.length - 0.5]}
          ticks={boxes.map((_, index) => index)}
          tickFormatter={(index: number) => boxes[index]?.visit ?? ''}
          interval={0}
          allowDecimals={false}
        />
        <YAxis
          type="number"
          dataKey="salt"
          domain={[0, 100]}
          ticks={[0, 20, 40, 60, 80, 100]}
          label={{ value: 'SALT', angle: -90, position: 'insideLeft', offset: 15 }}
        />
        <Boxes boxes={boxes} />
        <Tooltip content={PointTooltip} cursor={false} />
        <Scatter
          data={plotted}
          fill="#1f6f8b"
          fillOpacity={0.75}
          shape="circle"
          isAnimationActive={false}
        />
      </ScatterChart>
    </ResponsiveContainer>
  );
}
