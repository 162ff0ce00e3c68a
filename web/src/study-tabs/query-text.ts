import { NOT_EVALUABLE_REASONS, type NotEvaluableReason } from '../components/NotEvaluableField';
import { VIEW_LABELS } from '../salt';
import type { View } from '../types';

export interface QueriedView {
  view: View;
  reason: string;
  text?: string;
}

/** "Vertex: Blurred", or the reader's own words for 'other'. */
export function describeQueriedView({ view, reason, text }: QueriedView): string {
  const label = NOT_EVALUABLE_REASONS[reason as NotEvaluableReason] ?? reason;
  return `${VIEW_LABELS[view]}: ${reason === 'other' && text ? `Other – “${text}”` : label}`;
}

/** A query's age as people say it: "5 min", "3 h", "2 days". */
export function describeAge(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  const days = Math.floor(seconds / 86_400);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

export const QUERY_STATUS_LABELS: Record<'open' | 'replacing' | 'answered', string> = {
  open: 'Open',
  replacing: 'Replacement processing',
  answered: 'Answered',
};
