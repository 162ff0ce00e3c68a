import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { VIEW_LABELS } from '../salt';
import { VIEWS, type PartialRegions, type View } from '../types';
import { ConfirmDialog } from './Dialog';
import { ErrorBox } from './ErrorBox';
import { Field } from './Field';

/** The reasons the server takes (NOT_EVALUABLE_REASONS), in words a reader recognises. */
export const NOT_EVALUABLE_REASONS = {
  blurred: 'Blurred',
  cropped: 'Cropped or out of frame',
  'wrong-view': 'Wrong view',
  'hair-covered': 'Hair or scalp covered',
  lighting: 'Lighting',
  other: 'Other (describe)',
} as const;
export type NotEvaluableReason = keyof typeof NOT_EVALUABLE_REASONS;
const TEXT_MIN = 3;
const TEXT_MAX = 500;
// eslint-disable-next-line no-control-regex -- the server refuses control characters too
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

type Marks = Partial<Record<View, { reason: NotEvaluableReason; text: string }>>;

function textProblem(text: string): string | null {
  if (text.trim().length < TEXT_MIN)
    return `Describe the problem in at least ${TEXT_MIN} characters.`;
  if (text.length > TEXT_MAX) return `At most ${TEXT_MAX} characters.`;
  if (CONTROL.test(text)) return 'One line of plain text, please.';
  return null;
}

/**
 * "Not evaluable" for a read or an adjudication: the reader names the views they cannot judge
 * and why, instead of forcing a score. It opens an image query to the coordinator, who is told
 * only that "a reader" raised it; the task leaves the reader's queue until it is answered.
 */
export function NotEvaluableField({
  kind,
  taskId,
  scored = {},
  disabled = false,
}: {
  kind: 'read' | 'adjudication';
  taskId: string;
  /** The rater's valid scores of the other views, kept as their draft. */
  scored?: PartialRegions;
  disabled?: boolean;
}) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [marks, setMarks] = useState<Marks>({});
  const [tried, setTried] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const marked = VIEWS.filter((view) => marks[view]);
  const problems = Object.fromEntries(
    marked
      .filter((view) => marks[view]?.reason === 'other')
      .map((view) => [view, textProblem(marks[view]?.text ?? '')]),
  ) as Partial<Record<View, string | null>>;
  const valid = marked.length > 0 && marked.every((view) => !problems[view]);

  const raise = useMutation({
    mutationFn: async (): Promise<void> => {
      const notEvaluable = Object.fromEntries(
        marked.map((view) => {
          const mark = marks[view]!;
          return [
            view,
            mark.reason === 'other'
              ? { reason: mark.reason, text: mark.text.trim() }
              : { reason: mark.reason },
          ];
        }),
      );
      if (kind === 'adjudication') {
        await api.raiseAdjudicationQuery(taskId, notEvaluable);
        return;
      }
      const others = Object.fromEntries(
        VIEWS.filter((view) => !marks[view] && scored[view] !== undefined).map((view) => [
          view,
          scored[view],
        ]),
      );
      await api.raiseReadQuery(taskId, { ...others, notEvaluable });
    },
    onSuccess: () => {
      setConfirming(false);
      void queryClient.invalidateQueries({
        queryKey: kind === 'read' ? ['reads'] : ['adjudications'],
      });
      void navigate(kind === 'read' ? '/queue' : '/adjudication', {
        replace: true,
        state: { queryRaised: true },
      });
    },
  });

  const setReason = (view: View, reason: string) =>
    setMarks((current) => {
      const next = { ...current };
      if (reason === '') delete next[view];
      else next[view] = { reason: reason as NotEvaluableReason, text: current[view]?.text ?? '' };
      return next;
    });

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!valid) return;
    raise.reset();
    setConfirming(true);
  };

  return (
    <details className="card not-evaluable">
      <summary>A view cannot be evaluated?</summary>
      <form onSubmit={onSubmit} noValidate aria-label="Views not evaluable">
        <p className="hint">
          Instead of a score, name the view and why. The coordinator answers with a new image or
          confirms this one; the {kind === 'read' ? 'read' : 'adjudication'} leaves your queue until
          then{kind === 'read' ? ', and your scores of the other views stay as your draft' : ''}.
        </p>
        <div className="not-evaluable-views">
          {VIEWS.map((view) => (
            <div key={view} className="not-evaluable-view">
              <Field id={`${kind}-ne-${view}`} label={`${VIEW_LABELS[view]} view`} layout="inline">
                {(control) => (
                  <select
                    {...control}
                    value={marks[view]?.reason ?? ''}
                    disabled={disabled || raise.isPending}
                    onChange={(event) => setReason(view, event.target.value)}
                  >
                    <option value="">Evaluable</option>
                    {Object.entries(NOT_EVALUABLE_REASONS).map(([value, label]) => (
                      <option key={value} value={value}>
                        Not evaluable: {label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {marks[view]?.reason === 'other' && (
                <Field
                  id={`${kind}-ne-${view}-text`}
                  label={`What is wrong with the ${VIEW_LABELS[view].toLowerCase()} view`}
                  error={tried && problems[view]}
                >
                  {(control) => (
                    <input
                      {...control}
                      type="text"
                      maxLength={TEXT_MAX}
                      value={marks[view]?.text ?? ''}
                      disabled={disabled || raise.isPending}
                      onChange={(event) =>
                        setMarks((current) => ({
                          ...current,
                          [view]: { reason: 'other', text: event.target.value },
                        }))
                      }
                    />
                  )}
                </Field>
              )}
            </div>
          ))}
        </div>
        {tried && marked.length === 0 && (
          <p className="field-error" role="alert">
            Choose a reason for at least one view.
          </p>
        )}
        <button type="submit" disabled={disabled || raise.isPending}>
          Send image query…
        </button>
      </form>
      <ConfirmDialog
        open={confirming}
        title="Send an image query?"
        confirmLabel="Send image query"
        busy={raise.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => raise.mutate()}
      >
        <ul>
          {marked.map((view) => (
            <li key={view}>
              {VIEW_LABELS[view]}: {NOT_EVALUABLE_REASONS[marks[view]!.reason]}
              {marks[view]!.reason === 'other' ? ` – ${marks[view]!.text.trim()}` : ''}
            </li>
          ))}
        </ul>
        <ErrorBox error={raise.error} />
      </ConfirmDialog>
    </details>
  );
}

/** The coordinator's answer to an image query on these images, as they typed it. */
export function QueryComment({ comment }: { comment: string }) {
  return (
    <div className="notice query-comment" role="note" aria-label="Coordinator's note">
      <strong>Coordinator's note after an image query:</strong> {comment}
    </div>
  );
}
