import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { VIEW_LABELS } from '../salt';
import { useSession } from '../session';
import type { View } from '../types';
import {
  describeAge,
  describeQueriedView,
  QUERY_STATUS_LABELS,
  type QueriedView,
} from './query-text';

const COMMENT_MIN = 5;
const COMMENT_MAX = 1000;

interface OpenQuery {
  id: string;
  views: QueriedView[];
}

/** A set's image queries, the coordinator's answer to an open one, and its images' versions. */
export function PhotoSetQueries({ photoSetId }: { photoSetId: string }) {
  const { has } = useSession();
  const queries = useQuery({
    queryKey: ['photo-set-queries', photoSetId],
    queryFn: () => api.photoSetQueries(photoSetId),
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => item.status === 'replacing') ? 2_000 : 10_000,
  });
  const queryClient = useQueryClient();
  // A processed replacement changes the set above (status, the view's image): reload it then.
  const progress = queries.data?.items.map((item) => item.status).join() ?? '';
  useEffect(() => {
    if (progress) void queryClient.invalidateQueries({ queryKey: ['photo-set', photoSetId] });
  }, [progress, photoSetId, queryClient]);
  if (!queries.data) return queries.error ? <ErrorBox error={queries.error} /> : null;
  const { items, imageVersions } = queries.data;
  const replaced = imageVersions.some((version) => !version.current);
  if (items.length === 0 && !replaced) return null;
  const open = items.find((item) => item.status === 'open');
  return (
    <section className="card set-queries" aria-labelledby="set-queries-heading">
      <h2 id="set-queries-heading">Image queries</h2>
      <ul className="plain-list query-list">
        {items.map((item) => (
          <li key={item.id}>
            <strong>{QUERY_STATUS_LABELS[item.status]}</strong> · raised by {item.raisedBy},{' '}
            {describeAge(item.ageSeconds)} ago
            <ul>
              {item.views.map((view) => (
                <li key={view.view}>{describeQueriedView(view)}</li>
              ))}
            </ul>
            {item.answer === 'confirmed' && <p>Confirmed: “{item.comment}”</p>}
            {item.answer === 'replaced' && item.status === 'answered' && (
              <p>Answered with a replacement image; the reads of the earlier image are void.</p>
            )}
          </li>
        ))}
      </ul>
      {open && has('coordinator', 'admin') && <QueryAnswer photoSetId={photoSetId} query={open} />}
      {replaced && (
        <table className="data compact">
          <caption>Image versions (earlier versions are kept and never shown to readers)</caption>
          <thead>
            <tr>
              <th scope="col">View</th>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Uploaded</th>
              <th scope="col">In use</th>
            </tr>
          </thead>
          <tbody>
            {imageVersions
              .filter((version) => imageVersions.some((v) => v.view === version.view && !v.current))
              .map((version) => (
                <tr key={`${version.view}-${version.version}`}>
                  <td>{VIEW_LABELS[version.view]}</td>
                  <td>{version.version}</td>
                  <td>{version.status}</td>
                  <td>{new Date(version.uploadedAt).toLocaleString()}</td>
                  <td>{version.current ? 'Current' : 'Earlier (restricted)'}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function QueryAnswer({ photoSetId, query }: { photoSetId: string; query: OpenQuery }) {
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<Partial<Record<View, File>>>({});
  const [comment, setComment] = useState('');
  const [triedConfirm, setTriedConfirm] = useState(false);
  const [triedReplace, setTriedReplace] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ['photo-set-queries', photoSetId] });
    void queryClient.invalidateQueries({ queryKey: ['photo-set', photoSetId] });
    void queryClient.invalidateQueries({ queryKey: ['queries'] });
  };
  const replace = useMutation({
    mutationFn: () => {
      const form = new FormData();
      for (const [view, file] of Object.entries(files)) if (file) form.append(view, file);
      return api.replaceQueryImages(query.id, form);
    },
    onSuccess: refresh,
  });
  const confirm = useMutation({
    mutationFn: () => api.confirmQuery(query.id, comment.trim()),
    onSuccess: refresh,
  });
  const commentProblem =
    comment.trim().length < COMMENT_MIN
      ? `Write at least ${COMMENT_MIN} characters.`
      : comment.length > COMMENT_MAX
        ? `At most ${COMMENT_MAX} characters.`
        : null;
  const busy = replace.isPending || confirm.isPending;
  const onReplace = (event: FormEvent) => {
    event.preventDefault();
    setTriedReplace(true);
    if (Object.keys(files).length) replace.mutate();
  };
  const onConfirm = (event: FormEvent) => {
    event.preventDefault();
    setTriedConfirm(true);
    if (!commentProblem) confirm.mutate();
  };
  return (
    <div className="query-answer">
      <form onSubmit={onReplace} noValidate aria-labelledby="replace-heading">
        <h3 id="replace-heading">Answer with a replacement image</h3>
        <p className="hint">
          The earlier image is kept as a version. Any read of this set is voided and the same two
          raters read it again under new read codes.
        </p>
        {query.views.map(({ view }) => (
          <Field
            key={view}
            id={`replace-${view}`}
            label={`New ${VIEW_LABELS[view].toLowerCase()} image`}
          >
            {(control) => (
              <input
                {...control}
                type="file"
                accept="image/*"
                disabled={busy}
                onChange={(event) => {
                  const file = event.target.files?.[0];
                  setFiles((current) => {
                    const next = { ...current };
                    if (file) next[view] = file;
                    else delete next[view];
                    return next;
                  });
                }}
              />
            )}
          </Field>
        ))}
        {triedReplace && Object.keys(files).length === 0 && (
          <p className="field-error" role="alert">
            Choose an image for the queried view.
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {replace.isPending ? 'Uploading…' : 'Upload replacement'}
        </button>
        <ErrorBox error={replace.error} />
      </form>
      <form onSubmit={onConfirm} noValidate aria-labelledby="confirm-heading">
        <h3 id="confirm-heading">Or confirm the image as it is</h3>
        <Field
          id="confirm-comment"
          label="Comment for the readers"
          hint="Shown to the readers exactly as you type it: do not name the subject, visit, date or a reader."
          error={triedConfirm && commentProblem}
        >
          {(control) => (
            <textarea
              {...control}
              rows={3}
              maxLength={COMMENT_MAX}
              value={comment}
              disabled={busy}
              onChange={(event) => setComment(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          {confirm.isPending ? 'Confirming…' : 'Confirm image'}
        </button>
        <ErrorBox error={confirm.error} />
      </form>
    </div>
  );
}
