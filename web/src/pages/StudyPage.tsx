import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { NavLink, Route, Routes, useParams } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { StatusBar } from '../components/StatusBar';
import { useSession } from '../session';
import type { StudyDetail } from '../types';
import { AgreementPanel } from './AgreementPanel';
import { ImportPanel } from './ImportPanel';
import { MembersPanel } from './MembersPanel';
import { PhotoSetDetail } from './PhotoSetDetail';
import { PhotoSetsPanel } from './PhotoSetsPanel';
import { ResultsPanel } from './ResultsPanel';
import { SettingsPanel } from './SettingsPanel';
import { UploadPanel } from './UploadPanel';

export function StudyPage() {
  const { id = '' } = useParams();
  const { has } = useSession();
  const study = useQuery({
    queryKey: ['study', id],
    queryFn: () => api.study(id),
    // Progress moves while sets are ingested and read.
    refetchInterval: 5_000,
  });
  useEffect(() => {
    document.title = study.data ? `${study.data.code} · salt-reader` : 'Study · salt-reader';
  }, [study.data]);
  if (study.isPending) return <Loading what="the study" />;
  if (study.error) return <ErrorBox error={study.error} />;
  const data = study.data;
  const canUpload = has('coordinator', 'admin');
  const tabs = [
    { to: '', label: 'Overview', show: true },
    { to: 'sets', label: 'Photo sets', show: true },
    { to: 'upload', label: 'Upload', show: canUpload },
    { to: 'import', label: 'ZIP import', show: canUpload },
    { to: 'results', label: 'Results', show: true },
    { to: 'agreement', label: 'Agreement', show: has('auditor', 'admin') },
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
        <Route index element={<Overview study={data} />} />
        <Route path="sets" element={<PhotoSetsPanel studyId={id} />} />
        <Route path="sets/:setId" element={<PhotoSetDetail studyId={id} />} />
        {canUpload && <Route path="upload" element={<UploadPanel studyId={id} />} />}
        {canUpload && <Route path="import" element={<ImportPanel studyId={id} />} />}
        <Route path="results" element={<ResultsPanel studyId={id} />} />
        {has('auditor', 'admin') && (
          <Route path="agreement" element={<AgreementPanel studyId={id} />} />
        )}
        {has('admin') && <Route path="settings" element={<SettingsPanel study={data} />} />}
        {has('admin') && <Route path="members" element={<MembersPanel studyId={id} />} />}
        <Route path="*" element={<p>Not found.</p>} />
      </Routes>
    </section>
  );
}

function Overview({ study }: { study: StudyDetail }) {
  const s = study.settings;
  return (
    <div className="stack">
      <section className="card" aria-labelledby="progress-heading">
        <h2 id="progress-heading">Progress</h2>
        <StatusBar counts={study.statusCounts} />
      </section>
      <section className="card" aria-labelledby="charter-heading">
        <h2 id="charter-heading">Charter</h2>
        <dl className="facts">
          <dt>Discordant when |A − B| &gt;</dt>
          <dd>{s.maxDifference} SALT points</dd>
          <dt>Thresholds</dt>
          <dd>{s.thresholds.join(', ') || 'none'}</dd>
          <dt>Pairing</dt>
          <dd>{s.pairing}</dd>
          <dt>Adjudication</dt>
          <dd>{s.adjudication === 'select' ? 'choose A or B' : 'choose A or B, or own read'}</dd>
        </dl>
      </section>
    </div>
  );
}
