import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { API_BASE, api, type AuditFilters } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { EventTable } from '../components/EventTable';
import { Field } from '../components/Field';
import { Pager, useCursorPages } from '../components/Pager';
import { useDocumentTitle } from '../hooks/use-document-title';

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
  useDocumentTitle('Audit trail');
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
            {verify.isPending ? 'Verifying…' : 'Verify log'}
          </button>
          <a className="button" href={api.auditExportUrl('csv')} download>
            Export CSV
          </a>
          <a className="button" href={api.auditExportUrl('jsonl')} download>
            Export JSONL
          </a>
          {/* Checkpoints are meant to be kept outside the database: POST them to
              /audit/verify later to show the history was not rewritten. */}
          <a className="button" href={`${API_BASE}/audit/checkpoints/latest`} download>
            Latest checkpoint
          </a>
          <a className="button" href={`${API_BASE}/audit/public-key`} download>
            Public key
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
            ? `Log intact: ${verify.data.checked} events checked against ${verify.data.checkpoints} signed checkpoints.`
            : `Log broken at leaf ${verify.data.firstBrokenLeaf ?? '?'}${verify.data.firstBrokenSeq === undefined ? '' : ` (event ${verify.data.firstBrokenSeq})`}: ${verify.data.reason ?? 'mismatch'} (${verify.data.checked} checked).`}
        </p>
      )}
      <ErrorBox error={verify.error} />
      <form className="filters card" onSubmit={apply} aria-label="Audit filters">
        {FILTER_FIELDS.map((field) =>
          field.key === 'studyId' ? (
            <Field key={field.key} id="audit-studyId" label="Study" layout="inline">
              {(control) => (
                <select
                  {...control}
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
              )}
            </Field>
          ) : (
            <Field key={field.key} id={`audit-${field.key}`} label={field.label} layout="inline">
              {(control) => (
                <input
                  {...control}
                  type={field.type ?? 'text'}
                  value={draft[field.key] ?? ''}
                  onChange={(event) => setDraft({ ...draft, [field.key]: event.target.value })}
                />
              )}
            </Field>
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
