import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { Pager, usePaged } from '../components/Pager';
import type { ImportJob } from '../types';

const DONE: ImportJob['status'][] = ['completed', 'rejected', 'failed'];

/** Bulk import: a ZIP with manifest.csv and the images, followed live until it finishes. */
export function ImportPanel({ studyId }: { studyId: string }) {
  const queryClient = useQueryClient();
  const [archive, setArchive] = useState<File | null>(null);
  const [tried, setTried] = useState(false);
  const [importId, setImportId] = useState<string | null>(null);
  const start = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.set('archive', archive as File);
      return api.startImport(studyId, form);
    },
    onSuccess: ({ id }) => setImportId(id),
  });
  const job = useQuery({
    queryKey: ['import', importId],
    queryFn: () => api.importJob(importId as string),
    enabled: importId !== null,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (status && DONE.includes(status)) {
        void queryClient.invalidateQueries({ queryKey: ['study', studyId] });
        return false;
      }
      return 1_000;
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (!archive) return;
    setImportId(null);
    start.mutate();
  };
  const data = job.data;
  const errors = usePaged(data?.errors ?? [], 20);
  return (
    <div className="stack">
      <form className="card stack" onSubmit={submit} noValidate aria-label="Bulk ZIP import">
        <p>
          A ZIP archive holding <code>manifest.csv</code> and the images. The manifest has one row
          per image with the columns <code>subject_code, visit, visit_date, view, file</code> (view
          is top, back, left or right; file is the image&apos;s path inside the archive).
        </p>
        <Field
          id="import-archive"
          label="ZIP archive"
          error={tried && !archive && 'Choose a ZIP archive.'}
        >
          {(control) => (
            <input
              {...control}
              type="file"
              accept=".zip,application/zip"
              onChange={(event) => setArchive(event.target.files?.[0] ?? null)}
            />
          )}
        </Field>
        <ErrorBox error={start.error} title="The import was not started." />
        <div className="actions">
          <button type="submit" className="primary" disabled={start.isPending}>
            Start import
          </button>
        </div>
      </form>
      <ErrorBox error={job.error} />
      {data && (
        <section className="card" aria-labelledby="import-progress">
          <h2 id="import-progress">Import {data.status}</h2>
          <label htmlFor="import-bar">
            {data.status === 'rejected'
              ? 'Nothing was imported. Correct the rows below and import the archive again.'
              : `${data.processed} of ${data.total || '?'} sets processed`}
          </label>
          <progress id="import-bar" max={Math.max(1, data.total)} value={data.processed} />
          {data.errors.length > 0 && (
            <>
              <h3>{data.errors.length} row errors</h3>
              <table className="data compact">
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {errors.rows.map((error) => (
                    <tr key={`${error.row}-${error.reason}`}>
                      <td>{error.row}</td>
                      <td>{error.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager label="Row errors" {...errors.pager} />
            </>
          )}
        </section>
      )}
    </div>
  );
}
