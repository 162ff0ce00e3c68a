import { Navigate, Route, Routes } from 'react-router';
import { Loading } from './components/ErrorBox';
import { Layout } from './components/Layout';
import { RequireRole } from './components/RequireRole';
import { AdjudicationPage } from './pages/AdjudicationPage';
import { AdjudicatorQueuePage } from './pages/AdjudicatorQueuePage';
import { AuditPage } from './pages/AuditPage';
import { ExpiredPage, LoginPage } from './pages/LoginPage';
import { RaterQueuePage } from './pages/RaterQueuePage';
import { ScoringPage } from './pages/ScoringPage';
import { StudiesPage } from './pages/StudiesPage';
import { StudyPage } from './pages/StudyPage';
import { TimelinePage } from './pages/TimelinePage';
import { UsersPage } from './pages/UsersPage';
import { homeFor, SessionProvider, useSession } from './session';

function Home() {
  const { me, loading } = useSession();
  if (loading) return <Loading />;
  return <Navigate to={me ? homeFor(me) : '/login'} replace />;
}

function Account() {
  const { me } = useSession();
  return (
    <section className="page narrow">
      <h1>{me?.name}</h1>
      <p>Your account has no role yet. Ask an administrator to give you one.</p>
    </section>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Layout>
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
                <Account />
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
      </Layout>
    </SessionProvider>
  );
}
