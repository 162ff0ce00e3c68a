import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { describeAge, describeQueriedView, QUERY_STATUS_LABELS } from './query-text';

type Filter = 'open' | 'answered' | '';

/**
 * The study's image queries for its coordinators (and auditors): which view, why, how long it has
 * waited. Who raised one is never shown, nor known to this page: only "a reader".
 */
export function QueriesPanel({ studyId }: { studyId: string }) {
  const [filter, setFilter] = useState<Filter>('open');
  const queries = useQuery({
    queryKey: ['queries', studyId, filter],
    queryFn: () => api.studyQueries(studyId, filter || undefined),
    refetchInterval: 5_000,
  });
  return (
    <div className="stack queries-panel">
      <div className="filters">
        <Field id="queries-status" label="Show" layout="inline">
          {(control) => (
            <select
              {...control}
              value={filter}
              onChange={(event) => setFilter(event.target.value as Filter)}
            >
              <option value="open">Open</option>
              <option value="answered">Answered</option>
              <option value="">All</option>
            </select>
          )}
        </Field>
        {queries.data && (
          <p className="query-counts" aria-label="Query counts">
            <strong>{queries.data.counts.open}</strong> open ·{' '}
            <strong>{queries.data.counts.replacing}</strong> replacement processing ·{' '}
            <strong>{queries.data.counts.answered}</strong> answered
          </p>
        )}
      </div>
      {queries.isPending ? (
        <Loading what="image queries" />
      ) : queries.error ? (
        <ErrorBox error={queries.error} />
      ) : queries.data.items.length === 0 ? (
        <p className="notice">No {filter ? `${filter} ` : ''}image queries.</p>
      ) : (
        <table className="data">
          <caption className="sr-only">Image queries</caption>
          <thead>
            <tr>
              <th scope="col">Subject · visit</th>
              <th scope="col">Views</th>
              <th scope="col">Raised by</th>
              <th scope="col">Age</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {queries.data.items.map((query) => (
              <tr key={query.id}>
                <td>
                  <Link to={`/studies/${studyId}/sets/${query.photoSetId}`}>
                    {query.subjectCode} · {query.visit}
                  </Link>
                </td>
                <td>
                  <ul className="plain-list">
                    {query.views.map((view) => (
                      <li key={view.view}>{describeQueriedView(view)}</li>
                    ))}
                  </ul>
                </td>
                <td>{query.raisedBy}</td>
                <td>{describeAge(query.ageSeconds)}</td>
                <td>
                  {QUERY_STATUS_LABELS[query.status]}
                  {query.answer ? ` (${query.answer})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
