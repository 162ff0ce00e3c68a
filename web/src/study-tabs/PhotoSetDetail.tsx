import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { ImageViewer } from '../components/ImageViewer';
import { PhotoSetQueries } from './PhotoSetQueries';
import { STATUS_LABELS } from '../components/StatusBar';
import { VIEW_LABELS } from '../salt';
import { useSession } from '../session';
import { VIEWS, type View } from '../types';

/** One set as staff see it: who and when, each view's state, and the images themselves. */
export function PhotoSetDetail({ studyId }: { studyId: string }) {
  const { setId = '' } = useParams();
  const { has } = useSession();
  const [enlarged, setEnlarged] = useState<View | null>(null);
  const set = useQuery({
    queryKey: ['photo-set', setId],
    queryFn: () => api.photoSet(setId),
    refetchInterval: (query) => (query.state.data?.status === 'processing' ? 2_000 : false),
  });
  if (set.isPending) return <Loading what="the photo set" />;
  if (set.error) return <ErrorBox error={set.error} />;
  const data = set.data;
  const viewState = (view: View) => data.views.find((entry) => entry.view === view);
  return (
    <div className="stack">
      <p>
        <Link to={`/studies/${studyId}/sets`}>← Photo sets</Link>
      </p>
      <section className="card" aria-labelledby="set-heading">
        <h2 id="set-heading">
          {data.subjectCode} · {data.visit}
        </h2>
        <dl className="facts">
          <dt>Visit date</dt>
          <dd>{data.visitDate ?? '—'}</dd>
          <dt>Status</dt>
          <dd>
            <span className={`status status-${data.status}`}>
              {STATUS_LABELS[data.status] ?? data.status}
            </span>
          </dd>
          <dt>Uploaded</dt>
          <dd>{new Date(data.createdAt).toLocaleString()}</dd>
        </dl>
        {has('auditor', 'admin') && (
          <p>
            <Link to={`/audit/timeline/photo-set/${data.id}`}>Audit timeline of this set</Link>
          </p>
        )}
      </section>
      <PhotoSetQueries photoSetId={data.id} />
      <div className="compare-grid">
        {VIEWS.map((view) => {
          const state = viewState(view);
          return (
            <section key={view} className="compare-card" aria-label={VIEW_LABELS[view]}>
              <h3>{VIEW_LABELS[view]}</h3>
              {state?.status === 'ready' ? (
                <button
                  type="button"
                  className="view-thumb"
                  onClick={() => setEnlarged(view)}
                  aria-label={`Open ${VIEW_LABELS[view]} view large`}
                >
                  <img
                    src={`${api.photoSetImageUrl(data.id, view, 'display')}&v=${state.version}`}
                    alt={`${VIEW_LABELS[view]} view`}
                  />
                </button>
              ) : (
                <p className={state?.status === 'rejected' ? 'notice danger' : 'notice'}>
                  {state?.status === 'rejected'
                    ? `Rejected: ${state.reason ?? 'unreadable image'}`
                    : 'Being processed…'}
                </p>
              )}
            </section>
          );
        })}
      </div>
      <ImageViewer
        src={
          enlarged
            ? `${api.photoSetImageUrl(data.id, enlarged, 'full')}&v=${viewState(enlarged)?.version ?? 1}`
            : null
        }
        label={enlarged ? VIEW_LABELS[enlarged] : ''}
        onClose={() => setEnlarged(null)}
      />
    </div>
  );
}
