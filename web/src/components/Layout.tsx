import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { api } from '../api';
import { ME_KEY, useSession } from '../session';
import { PageErrorBoundary } from './PageErrorBoundary';
import type { Role } from '../types';

interface NavItem {
  to: string;
  label: string;
  roles: Role[];
}

const NAV: NavItem[] = [
  { to: '/queue', label: 'My queue', roles: ['rater'] },
  { to: '/adjudication', label: 'Adjudication', roles: ['adjudicator'] },
  { to: '/studies', label: 'Studies', roles: ['admin', 'coordinator', 'auditor'] },
  { to: '/audit', label: 'Audit trail', roles: ['admin', 'auditor'] },
  { to: '/admin/users', label: 'Users', roles: ['admin'] },
];

export function Layout({ children }: { children: ReactNode }) {
  const { me, has } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const logout = useMutation({
    mutationFn: api.logout,
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(ME_KEY, null);
      void navigate('/login', { replace: true });
    },
  });
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">salt-reader</span>
        {me && (
          <nav aria-label="Main">
            <ul>
              {NAV.filter((item) => has(...item.roles)).map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to}>{item.label}</NavLink>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {me && (
          <div className="whoami">
            <NavLink to="/account" title={`${me.email}: account and API tokens`}>
              {me.name}
            </NavLink>
            <button type="button" onClick={() => logout.mutate()} disabled={logout.isPending}>
              Sign out
            </button>
          </div>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <PageErrorBoundary resetKey={location.pathname}>{children}</PageErrorBoundary>
      </main>
    </div>
  );
}
