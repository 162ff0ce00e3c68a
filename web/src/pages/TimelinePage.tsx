import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { EventTable } from '../components/EventTable';
import { Field } from '../components/Field';
import { Pager, usePaged } from '../components/Pager';
import { useDocumentTitle } from '../hooks/use-document-title';

const ENTITY_TYPES = ['photo-set', 'read-task', 'adjudication-task', 'study', 'user', 'import'];

/** Everything that happened to one entity, oldest first, with the chain check beside it. */
export function TimelinePage() {
  const { type = '', id = '' } = useParams();
  const navigate = useNavigate();
  const [entityType, setEntityType] = useState(type || 'photo-set');
  const [entityId, setEntityId] = useState(id);
  const timeline = useQuery({
    queryKey: ['timeline', type, id],
    queryFn: () => api.auditEntity(type, id),
    enabled: !!type && !!id,
  });
  const verify = useMutation({ mutationFn: api.verifyAudit });
  const paged = usePaged(timeline.data?.items ?? [], 50);
  useDocumentTitle('Timeline');
  const open = (event: FormEvent) => {
    event.preventDefault();
    if (entityType.trim() && entityId.trim()) {
      void navigate(
        `/audit/timeline/${encodeURIComponent(entityType.trim())}/${encodeURIComponent(entityId.trim())}`,
      );
    }
  };
  return (
    <section className="page">
      <p>
        <Link to="/audit">← Audit trail</Link>
      </p>
      <h1>Entity timeline</h1>
      <form className="filters card" onSubmit={open} aria-label="Open a timeline">
        <Field id="timeline-type" label="Entity type" layout="inline">
          {(control) => (
            <>
              <input
                {...control}
                list="entity-types"
                value={entityType}
                onChange={(event) => setEntityType(event.target.value)}
              />
              <datalist id="entity-types">
                {ENTITY_TYPES.map((value) => (
                  <option key={value} value={value} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field id="timeline-id" label="Entity id" layout="inline wide">
          {(control) => (
            <input
              {...control}
              value={entityId}
              onChange={(event) => setEntityId(event.target.value)}
            />
          )}
        </Field>
        <button type="submit">Open timeline</button>
        <button
          type="button"
          className="primary"
          onClick={() => verify.mutate()}
          disabled={verify.isPending}
        >
          Verify chain
        </button>
      </form>
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
      {type && id && (
        <>
          <h2>
            {type} <code>{id}</code>
          </h2>
          {timeline.isPending ? (
            <Loading what="the timeline" />
          ) : timeline.error ? (
            <ErrorBox error={timeline.error} />
          ) : timeline.data.items.length === 0 ? (
            <p className="notice">No events recorded for this entity.</p>
          ) : (
            <>
              <p>{timeline.data.items.length} events</p>
              <EventTable events={paged.rows} />
              <Pager label="Timeline" {...paged.pager} />
            </>
          )}
        </>
      )}
    </section>
  );
}
