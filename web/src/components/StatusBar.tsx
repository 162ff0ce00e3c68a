import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SetStatus, StatusCounts } from '../types';
import { Field } from './Field';

export const STATUS_LABELS: Record<SetStatus, string> = {
  processing: 'Processing',
  rejected: 'Rejected',
  ready: 'Ready',
  'awaiting-raters': 'Awaiting raters',
  reading: 'Reading',
  adjudicating: 'Adjudicating',
  final: 'Final',
  query: 'Image query',
};

/** Every status, in the order of the pipeline (a Record names each one exactly once). */
const SET_STATUSES = Object.keys(STATUS_LABELS) as SetStatus[];

const STATUS_COLORS: Record<SetStatus, string> = {
  processing: '#9aa7b4',
  rejected: '#c4584f',
  ready: '#5fa3a8',
  'awaiting-raters': '#d9a441',
  reading: '#4f86c6',
  adjudicating: '#8b6cc1',
  final: '#3f9a6e',
  query: '#c9742e',
};

/** Photo sets by status as one stacked bar, with the counts also written out for everyone. */
export function StatusBar({ counts }: { counts: StatusCounts }) {
  const total = SET_STATUSES.reduce((sum, status) => sum + (counts[status] ?? 0), 0);
  const row = { name: 'Sets', ...counts };
  return (
    <div className="status-bar">
      <p>
        <strong>{total}</strong> photo {total === 1 ? 'set' : 'sets'} ·{' '}
        <strong>{counts.final ?? 0}</strong> final
        {total > 0 ? ` (${Math.round(((counts.final ?? 0) / total) * 100)}%)` : ''}
      </p>
      {total > 0 && (
        <div className="chart" aria-hidden="true">
          <ResponsiveContainer width="100%" height={40}>
            <BarChart
              data={[row]}
              layout="vertical"
              // The counts are written out below; the chart is hidden from assistive technology,
              // so it must not take keyboard focus either.
              accessibilityLayer={false}
              margin={{ left: 0, right: 8, top: 0, bottom: 0 }}
            >
              <XAxis type="number" hide domain={[0, total]} />
              <YAxis type="category" dataKey="name" hide />
              <Tooltip />
              {SET_STATUSES.map((status) => (
                <Bar
                  key={status}
                  dataKey={status}
                  name={STATUS_LABELS[status]}
                  stackId="sets"
                  fill={STATUS_COLORS[status]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
      <dl className="status-counts">
        {SET_STATUSES.map((status) => (
          <div key={status}>
            <dt>
              <span className="swatch" style={{ background: STATUS_COLORS[status] }} />
              {STATUS_LABELS[status]}
            </dt>
            <dd data-status={status}>{counts[status] ?? 0}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** The "Status" filter of set lists: any status, or one of the photo-set statuses. */
export function StatusFilter({
  id,
  value,
  onChange,
}: {
  id: string;
  value: SetStatus | '';
  onChange: (status: SetStatus | '') => void;
}) {
  return (
    <Field id={id} label="Status" layout="inline">
      {(control) => (
        <select
          {...control}
          value={value}
          // The options are '' and SET_STATUSES, so the value is one of them.
          onChange={(event) => onChange(event.target.value as SetStatus | '')}
        >
          <option value="">Any</option>
          {SET_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
