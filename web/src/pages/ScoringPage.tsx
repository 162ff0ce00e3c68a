import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { NotEvaluableField, QueryComment } from '../components/NotEvaluableField';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { SignatureDialog } from '../components/SignatureDialog';
import {
  EMPTY_INPUTS,
  inputsFrom,
  ScoreForm,
  validRegions,
  type RegionInputs,
} from '../components/ScoreForm';
import { useDocumentTitle } from '../hooks/use-document-title';
import { usePrefetchNext } from '../hooks/use-prefetch-next';
import { computeSalt, formatSalt, VIEW_LABELS } from '../salt';
import { VIEWS, type PartialRegions, type ReadTask, type Regions } from '../types';
import { LAST_READ_KEY } from './RaterQueuePage';

const DRAFT_DELAY_MS = 600;

function sameDraft(a: PartialRegions, b: PartialRegions): boolean {
  return VIEWS.every((view) => a[view] === b[view]);
}

/** The rater's scoring screen. It shows the read code and the images, nothing else. */
export function ScoringPage() {
  const { id = '' } = useParams();
  const task = useQuery({ queryKey: ['read', id], queryFn: () => api.read(id), staleTime: 0 });
  // Only the read code may ever appear in the title (it lands in history and screen shares).
  useDocumentTitle(task.data ? `Read ${task.data.readCode}` : 'Read');
  if (task.isPending) return <Loading what="the read" />;
  if (task.error) return <ErrorBox error={task.error} />;
  return <ScoringScreen key={task.data.id} task={task.data} />;
}

function ScoringScreen({ task }: { task: ReadTask }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [inputs, setInputs] = useState<RegionInputs>(() =>
    task.submitted
      ? inputsFrom(task.submitted)
      : task.draft
        ? inputsFrom(task.draft)
        : EMPTY_INPUTS,
  );
  const [confirming, setConfirming] = useState<Regions | null>(null);
  const [draftState, setDraftState] = useState<'idle' | 'saving' | 'saved' | 'failed'>('idle');
  const saved = useRef<PartialRegions>(validRegions(inputsFrom(task.draft)));
  const pending = useRef<PartialRegions | null>(null);
  const idempotencyKey = useRef(crypto.randomUUID());
  const readOnly = task.status !== 'assigned';
  usePrefetchNext(task.id, !readOnly);

  useEffect(() => {
    localStorage.setItem(LAST_READ_KEY, task.id);
  }, [task.id]);

  // Autosave: a short pause after the last change writes the valid values as the draft.
  useEffect(() => {
    if (readOnly) return;
    const draft = validRegions(inputs);
    if (sameDraft(draft, saved.current)) {
      pending.current = null;
      return;
    }
    pending.current = draft;
    const timer = setTimeout(() => {
      setDraftState('saving');
      api
        .saveDraft(task.id, draft)
        .then(() => {
          saved.current = draft;
          if (pending.current === draft) pending.current = null;
          setDraftState('saved');
        })
        .catch(() => setDraftState('failed'));
    }, DRAFT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [inputs, readOnly, task.id]);

  // Leaving or reloading within the debounce window still saves the last values.
  useEffect(() => {
    const flush = () => {
      if (pending.current) void api.saveDraft(task.id, pending.current, true).catch(() => {});
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [task.id]);

  const submit = useMutation({
    mutationFn: ({ regions, password }: { regions: Regions; password?: string }) =>
      api.submitRead(task.id, regions, idempotencyKey.current, password),
    onSuccess: async () => {
      pending.current = null;
      localStorage.removeItem(LAST_READ_KEY);
      void queryClient.invalidateQueries({ queryKey: ['reads'] });
      const next = await api.nextRead();
      setConfirming(null);
      if (next) {
        queryClient.setQueryData(['read', next.id], next);
        void navigate(`/read/${next.id}`, { replace: true });
      } else {
        void navigate('/queue', { replace: true, state: { finished: true } });
      }
    },
  });

  return (
    <section className="page scoring-page">
      <header className="page-head">
        <h1>
          Read <span className="read-code">{task.readCode}</span>
        </h1>
        <p className="draft-state" role="status">
          {readOnly
            ? `Submitted · SALT ${formatSalt(task.submitted?.salt)}`
            : draftState === 'saving'
              ? 'Saving draft…'
              : draftState === 'saved'
                ? 'Draft saved'
                : draftState === 'failed'
                  ? 'Draft not saved – check your connection'
                  : task.draft
                    ? 'Draft restored'
                    : 'Drafts save automatically'}
        </p>
      </header>
      {!readOnly && task.queryComment && <QueryComment comment={task.queryComment} />}
      <ScoreForm
        idPrefix="read"
        headingLevel={2}
        images={task.images}
        inputs={inputs}
        onChange={setInputs}
        onSubmit={(regions) => {
          submit.reset();
          setConfirming(regions);
        }}
        submitLabel="Submit read…"
        disabled={readOnly || !!confirming}
      />
      {!readOnly && (
        <NotEvaluableField
          kind="read"
          taskId={task.id}
          scored={validRegions(inputs)}
          disabled={!!confirming}
        />
      )}
      <SignatureDialog
        open={!!confirming}
        title={`Sign and submit read ${task.readCode}?`}
        signLabel="Sign, submit and next"
        busy={submit.isPending}
        recordKey={['read', task.id]}
        requirement={() => api.readSigning(task.id)}
        error={submit.error}
        onCancel={() => setConfirming(null)}
        onSign={(password) => confirming && submit.mutate({ regions: confirming, password })}
      >
        {confirming && (
          <>
            <table className="compact">
              <tbody>
                {VIEWS.map((view) => (
                  <tr key={view}>
                    <th scope="row">{VIEW_LABELS[view]}</th>
                    <td>{confirming[view]}%</td>
                  </tr>
                ))}
                <tr className="total">
                  <th scope="row">SALT</th>
                  <td>{formatSalt(computeSalt(confirming))}</td>
                </tr>
              </tbody>
            </table>
            <p>A submitted read cannot be changed.</p>
          </>
        )}
      </SignatureDialog>
    </section>
  );
}
