import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorBox } from '../components/ErrorBox';
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
  useEffect(() => {
    document.title = 'Sign in · salt-reader';
  }, []);
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
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            aria-invalid={!!problems.email}
            aria-describedby={problems.email ? 'login-email-error' : undefined}
            autoFocus
          />
          {problems.email && (
            <p id="login-email-error" className="field-error">
              {problems.email}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={!!problems.password}
            aria-describedby={problems.password ? 'login-password-error' : undefined}
          />
          {problems.password && (
            <p id="login-password-error" className="field-error">
              {problems.password}
            </p>
          )}
        </div>
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
  useEffect(() => {
    document.title = 'Session ended · salt-reader';
  }, []);
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
