import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Loading } from './components/ErrorBox';
import { Layout } from './components/Layout';
import { RequireRole } from './components/RequireRole';
import { ExpiredPage, LoginPage } from './pages/LoginPage';
import { RaterQueuePage } from './pages/RaterQueuePage';
import { ScoringPage } from './pages/ScoringPage';
import { homeFor, SessionProvider, useSession } from './session';

// Staff screens load on demand, so the rater's scoring screen does not wait for charts.
const AccountPage = lazy(() =>
  import('./pages/AccountPage').then((m) => ({ default: m.AccountPage })),
);
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));
const StudiesPage = lazy(() =>
  import('./pages/StudiesPage').then((m) => ({ default: m.StudiesPage })),
);
const StudyPage = lazy(() => import('./pages/StudyPage').then((m) => ({ default: m.StudyPage })));
const TimelinePage = lazy(() =>
  import('./pages/TimelinePage').then((m) => ({ default: m.TimelinePage })),
);
const UsersPage = lazy(() => import('./pages/UsersPage').then((m) => ({ default: m.UsersPage })));
const AdjudicationPage = lazy(() =>
  import('./pages/AdjudicationPage').then((m) => ({ default: m.AdjudicationPage })),
);
const AdjudicatorQueuePage = lazy(() =>
  import('./pages/AdjudicatorQueuePage').then((m) => ({ default: m.AdjudicatorQueuePage })),
);

function Home() {
  const { me, loading } = useSession();
  if (loading) return <Loading />;
  return <Navigate to={me ? homeFor(me) : '/login'} replace />;
}

export function App() {
  return (
    <SessionProvider>
      <Layout>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/expired" element={<ExpiredPage />} />
            <Route path="/" element={<Home />} />
            <Route
              path="/queue"
              element={
                <RequireRole roles={['rater']}>
                  <RaterQueuePage />
                </RequireRole>
              }
            />
            <Route
              path="/read/:id"
              element={
                <RequireRole roles={['rater']}>
                  <ScoringPage />
                </RequireRole>
              }
            />
            <Route
              path="/adjudication"
              element={
                <RequireRole roles={['adjudicator']}>
                  <AdjudicatorQueuePage />
                </RequireRole>
              }
            />
            <Route
              path="/adjudication/:id"
              element={
                <RequireRole roles={['adjudicator']}>
                  <AdjudicationPage />
                </RequireRole>
              }
            />
            <Route
              path="/studies"
              element={
                <RequireRole roles={['admin', 'coordinator', 'auditor']}>
                  <StudiesPage />
                </RequireRole>
              }
            />
            <Route
              path="/studies/:id/*"
              element={
                <RequireRole roles={['admin', 'coordinator', 'auditor']}>
                  <StudyPage />
                </RequireRole>
              }
            />
            <Route
              path="/audit"
              element={
                <RequireRole roles={['admin', 'auditor']}>
                  <AuditPage />
                </RequireRole>
              }
            />
            <Route
              path="/audit/timeline"
              element={
                <RequireRole roles={['admin', 'auditor']}>
                  <TimelinePage />
                </RequireRole>
              }
            />
            <Route
              path="/audit/timeline/:type/:id"
              element={
                <RequireRole roles={['admin', 'auditor']}>
                  <TimelinePage />
                </RequireRole>
              }
            />
            <Route
              path="/admin/users"
              element={
                <RequireRole roles={['admin']}>
                  <UsersPage />
                </RequireRole>
              }
            />
            <Route
              path="/account"
              element={
                <RequireRole roles={[]}>
                  <AccountPage />
                </RequireRole>
              }
            />
            <Route
              path="*"
              element={
                <section className="page narrow">
                  <h1>Page not found</h1>
                </section>
              }
            />
          </Routes>
        </Suspense>
      </Layout>
    </SessionProvider>
  );
}
