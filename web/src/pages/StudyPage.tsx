import { useQuery } from '@tanstack/react-query';
import { NavLink, Route, Routes, useParams } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { StudyLockBanner } from '../components/StudyLockBanner';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useSession } from '../session';
import { ReaderQualityPage } from './ReaderQualityPage';
import { AgreementPanel } from '../study-tabs/AgreementPanel';
import { EndpointsPanel } from '../study-tabs/EndpointsPanel';
import { ImportPanel } from '../study-tabs/ImportPanel';
import { MembersPanel } from '../study-tabs/MembersPanel';
import { OverviewPanel } from '../study-tabs/OverviewPanel';
import { PhotoSetDetail } from '../study-tabs/PhotoSetDetail';
import { PhotoSetsPanel } from '../study-tabs/PhotoSetsPanel';
import { QueriesPanel } from '../study-tabs/QueriesPanel';
import { ResultsPanel } from '../study-tabs/ResultsPanel';
import { SettingsPanel } from '../study-tabs/SettingsPanel';
import { UploadPanel } from '../study-tabs/UploadPanel';

export function StudyPage() {
  const { id = '' } = useParams();
  const { has } = useSession();
  const study = useQuery({
    queryKey: ['study', id],
    queryFn: () => api.study(id),
    // Progress moves while sets are ingested and read.
    refetchInterval: 5_000,
  });
  useDocumentTitle(study.data ? study.data.code : 'Study');
  if (study.isPending) return <Loading what="the study" />;
  if (study.error) return <ErrorBox error={study.error} />;
  const data = study.data;
  const canUpload = has('coordinator', 'admin');
  // The same people as results (the server's @Roles on both); a rater never reaches this page.
  const canSeeEndpoints = has('coordinator', 'auditor', 'admin');
  const tabs = [
    { to: '', label: 'Overview', show: true },
    { to: 'sets', label: 'Photo sets', show: true },
    { to: 'upload', label: 'Upload', show: canUpload },
    { to: 'import', label: 'ZIP import', show: canUpload },
    { to: 'queries', label: 'Image queries', show: canSeeEndpoints },
    { to: 'results', label: 'Results', show: true },
    { to: 'endpoints', label: 'Endpoints', show: canSeeEndpoints },
    { to: 'agreement', label: 'Agreement', show: has('auditor', 'admin') },
    { to: 'reader-quality', label: 'Reader quality', show: has('auditor', 'admin') },
    { to: 'settings', label: 'Settings', show: has('admin') },
    { to: 'members', label: 'Members', show: has('admin') },
  ].filter((tab) => tab.show);
  return (
    <section className="page study-page">
      <header className="page-head">
        <h1>
          {data.code} <span className="subtitle">{data.title}</span>
        </h1>
      </header>
      {canSeeEndpoints && <StudyLockBanner studyId={id} canChange={has('admin')} />}
      <nav className="tabs" aria-label="Study sections">
        <ul>
          {tabs.map((tab) => (
            <li key={tab.label}>
              <NavLink to={tab.to ? `/studies/${id}/${tab.to}` : `/studies/${id}`} end={!tab.to}>
                {tab.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<OverviewPanel study={data} />} />
        <Route path="sets" element={<PhotoSetsPanel studyId={id} />} />
        <Route path="sets/:setId" element={<PhotoSetDetail studyId={id} />} />
        {canUpload && <Route path="upload" element={<UploadPanel studyId={id} />} />}
        {canUpload && <Route path="import" element={<ImportPanel studyId={id} />} />}
        {canSeeEndpoints && <Route path="queries" element={<QueriesPanel studyId={id} />} />}
        <Route path="results" element={<ResultsPanel studyId={id} />} />
        {canSeeEndpoints && <Route path="endpoints" element={<EndpointsPanel studyId={id} />} />}
        {has('auditor', 'admin') && (
          <Route path="agreement" element={<AgreementPanel studyId={id} />} />
        )}
        {has('auditor', 'admin') && (
          <Route path="reader-quality" element={<ReaderQualityPage studyId={id} />} />
        )}
        {has('admin') && <Route path="settings" element={<SettingsPanel study={data} />} />}
        {has('admin') && <Route path="members" element={<MembersPanel studyId={id} />} />}
        <Route path="*" element={<p>Not found.</p>} />
      </Routes>
    </section>
  );
}
