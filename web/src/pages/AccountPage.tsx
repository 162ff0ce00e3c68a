import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { useDocumentTitle } from '../hooks/use-document-title';
import { ME_KEY, useSession } from '../session';
import type { TokenScope } from '../types';

const MIN_PASSWORD = 12;

const SCOPE_LABELS: Record<TokenScope, string> = {
  read: 'Read only',
  full: 'Full',
};

/** The signed-in user's own account: password and personal API tokens. */
export function AccountPage() {
  const { me } = useSession();
  useDocumentTitle('Account');
  return (
    <section className="page narrow">
      <h1>{me?.name}</h1>
      <p>
        {me?.email} · roles: {me?.roles.join(', ') || 'none yet (ask an administrator)'}
      </p>
      <Tokens />
      <PasswordForm />
    </section>
  );
}

function Tokens() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: api.tokens });
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [tried, setTried] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens'] });
  const create = useMutation({
    mutationFn: () => api.createToken(name.trim(), scope),
    onSuccess: () => {
      setName('');
      setTried(false);
      void refresh();
    },
  });
  const revoke = useMutation({ mutationFn: api.revokeToken, onSuccess: () => void refresh() });
  const problem = name.trim() ? null : 'Name the token after what will use it.';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!problem) create.mutate();
  };
  const live = (tokens.data ?? []).filter((token) => !token.revokedAt);
  return (
    <section className="card stack" aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">API tokens</h2>
      <p className="hint">
        For scripts and exports: send <code>Authorization: Bearer &lt;token&gt;</code>. A token acts
        with your roles until you revoke it or change your password; a read-only token can only
        read, and no token can create another.
      </p>
      <form className="filters" onSubmit={submit} noValidate aria-label="Create an API token">
        <Field id="token-name" label="Token name" layout="inline wide" error={tried && problem}>
          {(control) => (
            <input {...control} value={name} onChange={(event) => setName(event.target.value)} />
          )}
        </Field>
        <Field id="token-scope" label="Access" layout="inline">
          {(control) => (
            <select
              {...control}
              value={scope}
              onChange={(event) => setScope(event.target.value as TokenScope)}
            >
              <option value="read">{SCOPE_LABELS.read}</option>
              <option value="full">{SCOPE_LABELS.full}</option>
            </select>
          )}
        </Field>
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
      </form>
      <ErrorBox error={create.error} />
      {create.data && (
        <div className="notice success" role="status">
          <p>
            Token <strong>{create.data.name}</strong> (
            {SCOPE_LABELS[create.data.scope].toLowerCase()} access) created. Copy it now; it is not
            shown again:
          </p>
          <code className="secret" data-testid="new-token">
            {create.data.token}
          </code>
        </div>
      )}
      {tokens.isPending ? (
        <Loading what="tokens" />
      ) : tokens.error ? (
        <ErrorBox error={tokens.error} />
      ) : live.length === 0 ? (
        <p className="notice">No active tokens.</p>
      ) : (
        <table className="data" aria-label="Active tokens">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Access</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {live.map((token) => (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{SCOPE_LABELS[token.scope]}</td>
                <td>{new Date(token.createdAt).toLocaleString()}</td>
                <td>{token.lastUsedAt ? new Date(token.lastUsedAt).toLocaleString() : 'never'}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => revoke.mutate(token.id)}
                    disabled={revoke.isPending}
                    aria-label={`Revoke ${token.name}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBox error={revoke.error} />
    </section>
  );
}

function PasswordForm() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [tried, setTried] = useState(false);
  const change = useMutation({
    mutationFn: () => api.changePassword(current, next),
    // The server ends every session of the account, this one included.
    onSuccess: () => {
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, null);
      void navigate('/login', { replace: true });
    },
  });
  const problems = {
    current: current ? null : 'Enter your current password.',
    next:
      next.length >= MIN_PASSWORD
        ? next === current
          ? 'Choose a password different from the current one.'
          : null
        : `Use at least ${MIN_PASSWORD} characters.`,
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!problems.current && !problems.next) change.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Change password">
      <h2>Change password</h2>
      <Field id="password-current" label="Current password" error={tried && problems.current}>
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        )}
      </Field>
      <Field
        id="password-new"
        label="New password"
        hint={`At least ${MIN_PASSWORD} characters.`}
        error={tried && problems.next}
      >
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
        )}
      </Field>
      <ErrorBox error={change.error} />
      <p className="hint">Changing it signs you out everywhere, here included.</p>
      <div className="actions">
        <button type="submit" className="primary" disabled={change.isPending}>
          Change password
        </button>
      </div>
    </form>
  );
}
