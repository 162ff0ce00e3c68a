import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import type { SigningRequirement } from '../types';
import { Dialog } from './Dialog';
import { ErrorBox, Loading } from './ErrorBox';

interface SignatureDialogProps {
  open: boolean;
  title: string;
  /** The sign button's label, e.g. "Sign and submit". */
  signLabel: string;
  busy?: boolean;
  /** The record being signed, for the cache: e.g. ['read', id]. */
  recordKey: readonly string[];
  requirement: () => Promise<SigningRequirement>;
  /** The last refusal or failure of the signed submission; the form keeps its data. */
  error: unknown;
  onSign: (password: string | undefined) => void;
  onCancel: () => void;
  /** What is being signed: the values, shown above the signature. */
  children: ReactNode;
}

/** A refusal that asks for the password (none given, or a wrong one): show the field. */
function asksForPassword(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 && /password/i.test(error.message);
}

/**
 * An electronic signature (21 CFR 11.50, 11.200): shows what is signed, the signer's printed
 * name and the meaning of the signature, and asks for the password when the server says this
 * signing needs it (first signing of a session, or every signing in a study that says so).
 * A refused signature keeps the dialog and its data, so the signer can try again.
 */
export function SignatureDialog(props: SignatureDialogProps) {
  const queryClient = useQueryClient();
  const passwordId = useId();
  const [password, setPassword] = useState('');
  const recordKey = props.recordKey.join('/');
  const requirement = useQuery({
    queryKey: ['signing', recordKey],
    queryFn: props.requirement,
    enabled: props.open,
    staleTime: 0,
  });

  useEffect(() => {
    if (!props.open) setPassword('');
  }, [props.open]);
  // After a refusal the attempts left (or the lock) changed: ask the server again.
  useEffect(() => {
    if (props.error) void queryClient.invalidateQueries({ queryKey: ['signing', recordKey] });
  }, [props.error, queryClient, recordKey]);

  const needed = requirement.data?.passwordRequired === true || asksForPassword(props.error);
  const locked =
    requirement.data?.locked === true ||
    (props.error instanceof ApiError && props.error.status === 423);
  const passwordRef = useRef<HTMLInputElement>(null);
  const signRef = useRef<HTMLButtonElement>(null);
  // The dialog opens before the server has said whether a password is needed: once it has, the
  // password field (or else the sign button) takes the focus, so Enter signs.
  const ready = props.open && requirement.isSuccess;
  useEffect(() => {
    if (!ready) return;
    if (passwordRef.current) passwordRef.current.focus();
    else signRef.current?.focus();
  }, [ready, needed]);

  return (
    <Dialog open={props.open} title={props.title} onClose={props.onCancel}>
      <form
        className="signature-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (!locked) props.onSign(needed ? password : undefined);
        }}
      >
        <h2>{props.title}</h2>
        <div className="dialog-body">{props.children}</div>
        <fieldset className="signature">
          <legend>Electronic signature</legend>
          {requirement.isPending ? (
            <Loading what="the signature" />
          ) : requirement.error ? (
            <ErrorBox error={requirement.error} />
          ) : (
            <dl className="signature-facts">
              <dt>Signed by</dt>
              <dd className="signature-name">{requirement.data.printedName}</dd>
              <dt>Meaning</dt>
              <dd className="signature-meaning">{requirement.data.meaning}</dd>
              <dt>Date and time</dt>
              <dd>recorded in UTC when you sign</dd>
            </dl>
          )}
          {locked ? (
            <p className="signature-locked" role="alert">
              Signing is locked for this session after repeated wrong passwords. Sign out and sign
              in again to sign; nothing you entered has been saved.
            </p>
          ) : (
            needed && (
              <div className="field">
                <label htmlFor={passwordId}>Password (re-enter to sign)</label>
                <input
                  id={passwordId}
                  type="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                  ref={passwordRef}
                />
                {requirement.data && requirement.data.attemptsLeft < 3 && (
                  <p className="hint">
                    {requirement.data.attemptsLeft}{' '}
                    {requirement.data.attemptsLeft === 1 ? 'attempt' : 'attempts'} left before
                    signing is locked for this session.
                  </p>
                )}
              </div>
            )
          )}
        </fieldset>
        {!locked && <ErrorBox error={props.error} title="Not signed" />}
        <div className="dialog-actions">
          <button type="button" onClick={props.onCancel} disabled={props.busy}>
            Keep editing
          </button>
          <button
            type="submit"
            className="primary"
            disabled={props.busy || locked || requirement.isPending || (needed && !password)}
            ref={signRef}
          >
            {props.busy ? 'Signing…' : props.signLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
