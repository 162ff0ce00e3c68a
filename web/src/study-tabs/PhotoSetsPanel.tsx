import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { Pager, useCursorPages } from '../components/Pager';
import { STATUS_LABELS, StatusFilter } from '../components/StatusBar';
import { useSession } from '../session';
import type { SetStatus } from '../types';

const PAGE_SIZE = 25;

export function PhotoSetsPanel({ studyId }: { studyId: string }) {
  const { has } = useSession();
  const [status, setStatus] = useState<SetStatus | ''>('');
  const [subjectCode, setSubjectCode] = useState('');
  const pages = useCursorPages();
  const sets = useQuery({
    queryKey: ['photo-sets', studyId, status, subjectCode, pages.cursor],
    queryFn: () =>
      api.photoSets(studyId, {
        status: status || undefined,
        subjectCode: subjectCode.trim(),
        cursor: pages.cursor,
        limit: PAGE_SIZE,
      }),
    refetchInterval: 5_000,
  });
  return (
    <div className="stack">
      <div className="filters">
        <StatusFilter
          id="sets-status"
          value={status}
          onChange={(value) => {
            setStatus(value);
            pages.reset();
          }}
        />
        <Field id="sets-subject" label="Subject code" layout="inline">
          {(control) => (
            <input
              {...control}
              value={subjectCode}
              onChange={(event) => {
                setSubjectCode(event.target.value);
                pages.reset();
              }}
            />
          )}
        </Field>
      </div>
      {sets.isPending ? (
        <Loading what="photo sets" />
      ) : sets.error ? (
        <ErrorBox error={sets.error} />
      ) : sets.data.items.length === 0 ? (
        <p className="notice">No photo sets{status || subjectCode ? ' match' : ' yet'}.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Subject</th>
              <th scope="col">Visit</th>
              <th scope="col">Visit date</th>
              <th scope="col">Status</th>
              <th scope="col">Problems</th>
              <th scope="col">Uploaded</th>
              {has('auditor', 'admin') && <th scope="col">Trail</th>}
            </tr>
          </thead>
          <tbody>
            {sets.data.items.map((set) => (
              <tr key={set.id}>
                <td>
                  <Link to={`/studies/${studyId}/sets/${set.id}`}>{set.subjectCode}</Link>
                </td>
                <td>{set.visit}</td>
                <td>{set.visitDate ?? '—'}</td>
                <td>
                  <span className={`status status-${set.status}`}>
                    {STATUS_LABELS[set.status] ?? set.status}
                  </span>
                </td>
                <td>
                  {set.rejectionReasons?.map((r) => `${r.view}: ${r.reason}`).join('; ') || '—'}
                </td>
                <td>{new Date(set.createdAt).toLocaleString()}</td>
                {has('auditor', 'admin') && (
                  <td>
                    <Link to={`/audit/timeline/photo-set/${set.id}`}>Timeline</Link>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {sets.data && (
        <Pager
          label="Photo sets"
          page={pages.page}
          hasNext={!!sets.data.nextCursor}
          onPrev={pages.prev}
          onNext={() => pages.next(sets.data.nextCursor)}
        />
      )}
    </div>
  );
}
