import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { useDocumentTitle } from '../hooks/use-document-title';
import { homeFor, ME_KEY, useSession } from '../session';

export function LoginPage() {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<{ email?: string; password?: string }>({});
  useDocumentTitle('Sign in');
  const login = useMutation({
    mutationFn: () => api.login(email.trim(), password),
    onSuccess: ({ user }) => {
      queryClient.setQueryData(ME_KEY, user);
      const target = from && from !== '/login' && from !== '/expired' ? from : homeFor(user);
      void navigate(target, { replace: true });
    },
  });

  if (me && !login.isPending) return <Navigate to={homeFor(me)} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof problems = {};
    if (!/^[^@\s]+@[^@\s]+$/.test(email.trim())) next.email = 'Enter your email address.';
    if (!password) next.password = 'Enter your password.';
    setProblems(next);
    if (next.email || next.password) return;
    login.mutate();
  };

  return (
    <section className="page auth-page">
      <h1>Sign in</h1>
      <form onSubmit={submit} noValidate className="stack">
        <Field id="login-email" label="Email" error={problems.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="username"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              autoFocus
            />
          )}
        </Field>
        <Field id="login-password" label="Password" error={problems.password}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        {login.error && <ErrorBox error={login.error} title="Could not sign in." />}
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}

export function ExpiredPage() {
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  useDocumentTitle('Session ended');
  return (
    <section className="page auth-page">
      <h1>Your session has ended</h1>
      <p>
        For safety, sessions end after a period of time, when you sign out elsewhere or when an
        administrator changes your account. Nothing you already submitted is lost; autosaved drafts
        are kept on the server.
      </p>
      <Link className="button primary" to="/login" state={{ from }} autoFocus>
        Sign in again
      </Link>
    </section>
  );
}
