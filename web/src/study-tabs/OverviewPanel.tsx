import { StatusBar } from '../components/StatusBar';
import type { StudyDetail } from '../types';

/** The study's landing tab: progress by status and the charter in force. */
export function OverviewPanel({ study }: { study: StudyDetail }) {
  const s = study.settings;
  return (
    <div className="stack">
      {study.statusCounts && (
        <section className="card" aria-labelledby="progress-heading">
          <h2 id="progress-heading">Progress</h2>
          <StatusBar counts={study.statusCounts} />
        </section>
      )}
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
