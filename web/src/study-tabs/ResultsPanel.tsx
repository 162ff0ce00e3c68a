import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { Pager, usePaged } from '../components/Pager';
import { STATUS_LABELS, StatusFilter } from '../components/StatusBar';
import { formatSalt } from '../salt';
import { useSession } from '../session';
import type { ResultRow, SetStatus } from '../types';
import { ResultReadCell } from './ResultReadCell';

function sourceLabel(row: ResultRow): string {
  if (row.source === 'adjudicated')
    return `adjudicated (${row.adjudication?.choice === 'own' ? 'own read' : `Read ${row.adjudication?.choice ?? '?'}`})`;
  if (row.source === 'concordant-mean') return 'mean of A and B';
  return '—';
}

export function ResultsPanel({ studyId }: { studyId: string }) {
  const results = useQuery({ queryKey: ['results', studyId], queryFn: () => api.results(studyId) });
  const isAdmin = useSession().has('admin');
  const [subject, setSubject] = useState('');
  const [status, setStatus] = useState<SetStatus | ''>('');
  const [source, setSource] = useState('');
  const [discordantOnly, setDiscordantOnly] = useState(false);
  const rows = (results.data?.items ?? []).filter(
    (row) =>
      row.subjectCode.toLowerCase().includes(subject.trim().toLowerCase()) &&
      (!status || row.status === status) &&
      (!source || row.source === source) &&
      (!discordantOnly || row.rulesFired.length > 0),
  );
  const paged = usePaged(rows, 25);
  return (
    <div className="stack">
      <div className="filters">
        <Field id="results-subject" label="Subject code" layout="inline">
          {(control) => (
            <input
              {...control}
              value={subject}
              onChange={(event) => {
                setSubject(event.target.value);
                paged.reset();
              }}
            />
          )}
        </Field>
        <StatusFilter
          id="results-status"
          value={status}
          onChange={(value) => {
            setStatus(value);
            paged.reset();
          }}
        />
        <Field id="results-source" label="Final score from" layout="inline">
          {(control) => (
            <select
              {...control}
              value={source}
              onChange={(event) => {
                setSource(event.target.value);
                paged.reset();
              }}
            >
              <option value="">Any</option>
              <option value="concordant-mean">Mean of A and B</option>
              <option value="adjudicated">Adjudication</option>
            </select>
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={discordantOnly}
            onChange={(event) => {
              setDiscordantOnly(event.target.checked);
              paged.reset();
            }}
          />
          Discordant only
        </label>
        <a className="button" href={api.resultsCsvUrl(studyId)} download>
          Download CSV
        </a>
      </div>
      {results.isPending ? (
        <Loading what="results" />
      ) : results.error ? (
        <ErrorBox error={results.error} />
      ) : rows.length === 0 ? (
        <p className="notice">
          No results{subject || status || source || discordantOnly ? ' match' : ' yet'}.
        </p>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data results">
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Visit</th>
                  <th scope="col">Date</th>
                  <th scope="col">Status</th>
                  <th scope="col">Read A</th>
                  <th scope="col">Read B</th>
                  <th scope="col">Δ</th>
                  <th scope="col">Rules fired</th>
                  <th scope="col">Final SALT</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {paged.rows.map((row) => (
                  <tr key={row.photoSetId}>
                    <td>{row.subjectCode}</td>
                    <td>{row.visit}</td>
                    <td>{row.visitDate ?? '—'}</td>
                    <td>{STATUS_LABELS[row.status] ?? row.status}</td>
                    <td>
                      <ResultReadCell
                        read={row.readA}
                        label="Read A"
                        studyId={studyId}
                        canReopen={isAdmin}
                      />
                    </td>
                    <td>
                      <ResultReadCell
                        read={row.readB}
                        label="Read B"
                        studyId={studyId}
                        canReopen={isAdmin}
                      />
                    </td>
                    <td>{formatSalt(row.difference)}</td>
                    <td>{row.rulesFired.join(', ') || '—'}</td>
                    <td className="num strong">{formatSalt(row.finalSalt)}</td>
                    <td>{sourceLabel(row)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager label="Results" {...paged.pager} />
        </>
      )}
    </div>
  );
}
