import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, type AuditFilters } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Pager, useCursorPages } from '../components/Pager';
import type { AuditEvent } from '../types';

const PAGE_SIZE = 50;
const FILTER_FIELDS: { key: keyof AuditFilters; label: string; type?: string }[] = [
  { key: 'action', label: 'Action' },
  { key: 'entityType', label: 'Entity type' },
  { key: 'entityId', label: 'Entity id' },
  { key: 'actorId', label: 'Actor id' },
  { key: 'studyId', label: 'Study' },
  { key: 'from', label: 'From', type: 'datetime-local' },
  { key: 'to', label: 'To', type: 'datetime-local' },
];

function toIso(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function AuditPage() {
  const [draft, setDraft] = useState<AuditFilters>({});
  const [filters, setFilters] = useState<AuditFilters>({});
  const pages = useCursorPages();
  const studies = useQuery({ queryKey: ['studies'], queryFn: api.studies });
  const events = useQuery({
    queryKey: ['audit', filters, pages.cursor],
    queryFn: () =>
      api.audit(
        { ...filters, from: toIso(filters.from), to: toIso(filters.to) },
        pages.cursor,
        PAGE_SIZE,
      ),
  });
  const verify = useMutation({ mutationFn: api.verifyAudit });
  useEffect(() => {
    document.title = 'Audit trail · salt-reader';
  }, []);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    pages.reset();
    setFilters(Object.fromEntries(Object.entries(draft).filter(([, v]) => v)));
  };
  return (
    <section className="page audit-page">
      <header className="page-head">
        <h1>Audit trail</h1>
        <div className="actions">
          <button
            type="button"
            className="primary"
            onClick={() => verify.mutate()}
            disabled={verify.isPending}
          >
            {verify.isPending ? 'Verifying…' : 'Verify chain'}
          </button>
          <a className="button" href={api.auditExportUrl('csv')} download>
            Export CSV
          </a>
          <a className="button" href={api.auditExportUrl('jsonl')} download>
            Export JSONL
          </a>
        </div>
      </header>
      {verify.data && (
        <p
          className={`notice ${verify.data.ok ? 'success' : 'danger'}`}
          role="status"
          data-testid="verify-result"
        >
          {verify.data.ok
            ? `Chain intact: ${verify.data.checked} events checked.`
            : `Chain broken at event ${verify.data.firstBrokenSeq ?? '?'}: ${verify.data.reason ?? 'hash mismatch'} (${verify.data.checked} checked).`}
        </p>
      )}
      <ErrorBox error={verify.error} />
      <form className="filters card" onSubmit={apply} aria-label="Audit filters">
        {FILTER_FIELDS.map((field) =>
          field.key === 'studyId' ? (
            <div className="field inline" key={field.key}>
              <label htmlFor="audit-studyId">Study</label>
              <select
                id="audit-studyId"
                value={draft.studyId ?? ''}
                onChange={(event) => setDraft({ ...draft, studyId: event.target.value })}
              >
                <option value="">Any</option>
                {(studies.data ?? []).map((study) => (
                  <option key={study.id} value={study.id}>
                    {study.code}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <div className="field inline" key={field.key}>
              <label htmlFor={`audit-${field.key}`}>{field.label}</label>
              <input
                id={`audit-${field.key}`}
                type={field.type ?? 'text'}
                value={draft[field.key] ?? ''}
                onChange={(event) => setDraft({ ...draft, [field.key]: event.target.value })}
              />
            </div>
          ),
        )}
        <button type="submit">Apply filters</button>
      </form>
      {events.isPending ? (
        <Loading what="events" />
      ) : events.error ? (
        <ErrorBox error={events.error} />
      ) : events.data.items.length === 0 ? (
        <p className="notice">No events match.</p>
      ) : (
        <>
          <EventTable events={events.data.items} />
          <Pager
            label="Audit events"
            page={pages.page}
            hasNext={!!events.data.nextCursor}
            onPrev={pages.prev}
            onNext={() => pages.next(events.data.nextCursor)}
          />
        </>
      )}
      <StudyResultsLinks />
    </section>
  );
}

function StudyResultsLinks() {
  const studies = useQuery({ queryKey: ['studies'], queryFn: api.studies });
  if (!studies.data?.length) return null;
  return (
    <section className="card" aria-labelledby="per-study">
      <h2 id="per-study">Per-study results</h2>
      <ul className="plain-list inline">
        {studies.data.map((study) => (
          <li key={study.id}>
            <Link to={`/studies/${study.id}/results`}>{study.code} results</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function short(value: unknown): string {
  if (value === undefined) return '∅';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** An event's before/after as "key: value" lines; keys changed between the two are marked. */
function Change({ before, after }: { before: unknown; after: unknown }) {
  const asRecord = (value: unknown): Record<string, unknown> | null =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  const b = asRecord(before);
  const a = asRecord(after);
  if (!a && !b) return null;
  const keys = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
  return (
    <ul className="change">
      {keys.map((key) => {
        const old = b?.[key];
        const now = a?.[key];
        const changed = b && a && JSON.stringify(old) !== JSON.stringify(now);
        return (
          <li key={key}>
            <span className="key">{key}:</span>{' '}
            {changed ? (
              <>
                <del>{short(old)}</del> → <ins>{short(now)}</ins>
              </>
            ) : (
              short(now ?? old)
            )}
          </li>
        );
      })}
    </ul>
  );
}

export function EventTable({
  events,
  showEntity = true,
}: {
  events: AuditEvent[];
  showEntity?: boolean;
}) {
  return (
    <div className="table-scroll">
      <table className="data audit">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            {showEntity && <th scope="col">Entity</th>}
            <th scope="col">Change</th>
            <th scope="col">Reason</th>
            <th scope="col">Request</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={String(event.seq)}>
              <td className="num">{event.seq}</td>
              <td>{new Date(event.occurredAt).toLocaleString()}</td>
              <td>
                {event.actorName ?? 'system'}
                {event.actorRole ? ` (${event.actorRole})` : ''}
              </td>
              <td>
                <code>{event.action}</code>
              </td>
              {showEntity && (
                <td>
                  {event.entityId ? (
                    <Link
                      to={`/audit/timeline/${encodeURIComponent(event.entityType)}/${event.entityId}`}
                    >
                      {event.entityType} {event.entityId.slice(0, 8)}
                    </Link>
                  ) : (
                    event.entityType
                  )}
                </td>
              )}
              <td className="json">
                <Change before={event.before} after={event.after} />
              </td>
              <td>{event.reason ?? ''}</td>
              <td>
                <code className="small" title={event.requestId ?? ''}>
                  {event.requestId?.slice(0, 8) ?? ''}
                </code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
