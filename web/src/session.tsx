import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, ApiError, onUnauthorized } from './api';
import type { Me, Role } from './types';

interface Session {
  me: Me | null;
  loading: boolean;
  has: (...roles: Role[]) => boolean;
}

const SessionContext = createContext<Session>({ me: null, loading: true, has: () => false });

export const ME_KEY = ['me'] as const;

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const meQuery = useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        return await api.me();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
  const me = meQuery.data ?? null;
  const hadSession = useRef(false);
  if (me) hadSession.current = true;
  const path = useRef(location.pathname);
  path.current = location.pathname;

  useEffect(
    () =>
      onUnauthorized(() => {
        const wasSignedIn = hadSession.current;
        hadSession.current = false;
        // Drop every cached answer: nothing from the old session may linger on screen.
        queryClient.clear();
        queryClient.setQueryData(ME_KEY, null);
        if (path.current === '/login' || path.current === '/expired') return;
        const from = path.current;
        // Several queries can fail at once; only the first decides where to go.
        path.current = wasSignedIn ? '/expired' : '/login';
        void navigate(path.current, { replace: true, state: { from } });
      }),
    [navigate, queryClient],
  );

  const has = (...roles: Role[]) => !!me && roles.some((role) => me.roles.includes(role));
  return (
    <SessionContext.Provider value={{ me, loading: meQuery.isPending, has }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  return useContext(SessionContext);
}

/** Where each role starts after signing in. */
export function homeFor(me: Me): string {
  if (me.roles.includes('rater')) return '/queue';
  if (me.roles.includes('adjudicator')) return '/adjudication';
  if (me.roles.includes('admin')) return '/studies';
  if (me.roles.includes('coordinator')) return '/studies';
  if (me.roles.includes('auditor')) return '/audit';
  return '/account';
}
