import { useEffect, useState } from 'react';
import { Dialog } from './Dialog';
import { ErrorBox } from './ErrorBox';
import { Field } from './Field';

/** The server's minimum for most reasons (reopen, lock); some ask more, e.g. a manual grant. */
const MIN_REASON = 5;

interface ReasonDialogProps {
  open: boolean;
  title: string;
  /** What the action does, in a sentence or two. */
  description: string;
  confirmLabel: string;
  /** The server's minimum length for this reason; 5 unless given. */
  minLength?: number;
  busy?: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}

/**
 * An admin action that needs a reason kept in the audit trail (reopen a read, lock a study, grant
 * or suspend a rater).
 */
export function ReasonDialog(props: ReasonDialogProps) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!props.open) {
      setReason('');
      setTried(false);
    }
  }, [props.open]);
  const minLength = props.minLength ?? MIN_REASON;
  const length = reason.trim().length;
  const problem =
    length < minLength ? `Say why in at least ${minLength} characters (${length} so far).` : null;
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onCancel}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setTried(true);
          if (!problem) props.onConfirm(reason.trim());
        }}
      >
        <h2>{props.title}</h2>
        <div className="dialog-body">
          <p>{props.description}</p>
          <Field
            id="action-reason"
            label="Reason (kept in the audit trail)"
            hint={`At least ${minLength} characters.`}
            error={tried && problem}
          >
            {(control) => (
              <textarea
                {...control}
                rows={3}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                data-autofocus
              />
            )}
          </Field>
          <ErrorBox error={props.error} />
        </div>
        <div className="dialog-actions">
          <button type="button" onClick={props.onCancel} disabled={props.busy}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={props.busy}>
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
