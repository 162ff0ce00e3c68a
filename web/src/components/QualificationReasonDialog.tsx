import { useEffect, useState } from 'react';
import { Dialog } from './Dialog';
import { ErrorBox } from './ErrorBox';
import { Field } from './Field';

/** The server's own minimum for a grant or suspension reason (ReasonDto). */
export const MIN_QUALIFICATION_REASON = 10;

interface QualificationReasonDialogProps {
  open: boolean;
  title: string;
  description: string;
  confirmLabel: string;
  busy?: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
}

/** Granting or suspending a rater: a reason of at least ten characters, kept in the audit trail. */
export function QualificationReasonDialog(props: QualificationReasonDialogProps) {
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  useEffect(() => {
    if (!props.open) {
      setReason('');
      setTried(false);
    }
  }, [props.open]);
  const length = reason.trim().length;
  const problem =
    length < MIN_QUALIFICATION_REASON
      ? `Say why in at least ${MIN_QUALIFICATION_REASON} characters (${length} so far).`
      : null;
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
            id="qualification-reason"
            label="Reason (kept in the audit trail)"
            hint={`At least ${MIN_QUALIFICATION_REASON} characters.`}
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
