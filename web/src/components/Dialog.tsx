import { useEffect, useRef, type ReactNode } from 'react';

interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
}

/** A native modal <dialog>: it traps focus, closes on Escape and returns focus on close. */
export function Dialog({ open, title, onClose, children, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // showModal focuses the first control; the dialog's intended one is marked instead (React's
      // autoFocus fires while the dialog is still closed, so it cannot be used here).
      dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={className ?? 'dialog'}
      aria-label={title}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open && children}
    </dialog>
  );
}

interface ConfirmProps {
  open: boolean;
  title: string;
  confirmLabel: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}

export function ConfirmDialog(props: ConfirmProps) {
  return (
    <Dialog open={props.open} title={props.title} onClose={props.onCancel}>
      <h2>{props.title}</h2>
      <div className="dialog-body">{props.children}</div>
      <div className="dialog-actions">
        <button type="button" onClick={props.onCancel} disabled={props.busy}>
          Keep editing
        </button>
        <button
          type="button"
          className="primary"
          onClick={props.onConfirm}
          disabled={props.busy}
          data-autofocus
        >
          {props.busy ? 'Submitting…' : props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
