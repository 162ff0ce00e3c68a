import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../session';
import type { Role } from '../types';
import { Loading } from './ErrorBox';

/** Renders children only for a signed-in user holding one of `roles`. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { me, loading, has } = useSession();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  if (roles.length > 0 && !has(...roles)) {
    return (
      <section className="page narrow">
        <h1>Not available</h1>
        <p>This page is not part of your role. Use the navigation above.</p>
      </section>
    );
  }
  return children;
}
