import type { ReactNode } from 'react';

/** What a field's control needs to be labelled and described: spread it onto the control. */
export interface FieldControl {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

interface FieldProps {
  /** The control's id; the hint and the error derive theirs from it. */
  id: string;
  label: ReactNode;
  /** Shown under the control at all times, e.g. a format or a limit. */
  hint?: ReactNode;
  /** Shown only when set; callers pass e.g. `tried && problems.name`. */
  error?: string | null | false;
  /** 'inline' for filter rows; 'inline wide' for a longer one. */
  layout?: 'block' | 'inline' | 'inline wide';
  children: (control: FieldControl) => ReactNode;
}

/**
 * A label, one control, an optional hint and an optional error. aria-describedby names only the
 * hint and error that are on the page: a reference to a missing id is silently dropped by screen
 * readers, and axe flags it.
 */
export function Field({ id, label, hint, error, layout = 'block', children }: FieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ');
  const control: FieldControl = { id };
  if (error) control['aria-invalid'] = true;
  if (describedBy) control['aria-describedby'] = describedBy;
  return (
    <div className={layout === 'block' ? 'field' : `field ${layout}`}>
      <label htmlFor={id}>{label}</label>
      {children(control)}
      {hint && (
        <p id={hintId} className="hint field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
