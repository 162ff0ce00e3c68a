import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { NotEvaluableField, QueryComment } from '../components/NotEvaluableField';
import { SignatureDialog } from '../components/SignatureDialog';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { ImageViewer } from '../components/ImageViewer';
import { EMPTY_INPUTS, ScoreForm, type RegionInputs } from '../components/ScoreForm';
import { useDocumentTitle } from '../hooks/use-document-title';
import { formatSalt, VIEW_LABELS } from '../salt';
import {
  VIEWS,
  type AdjudicationTask,
  type Decision,
  type Regions,
  type Rule,
  type View,
} from '../types';

const MIN_RATIONALE = 10;

function ruleText(rule: Rule, task: AdjudicationTask): string {
  switch (rule) {
    case 'max-difference':
      return `Difference ${formatSalt(task.difference)} exceeds the allowed ${task.rules.maxDifference} SALT points`;
    case 'threshold':
      return `Reads fall on different sides of a threshold (${task.rules.thresholds.join(', ')})`;
  }
}

export function AdjudicationPage() {
  const { id = '' } = useParams();
  const task = useQuery({
    queryKey: ['adjudication', id],
    queryFn: () => api.adjudication(id),
    staleTime: 0,
  });
  useDocumentTitle(task.data ? `Adjudicate ${task.data.code}` : 'Adjudicate');
  if (task.isPending) return <Loading what="the adjudication" />;
  if (task.error) return <ErrorBox error={task.error} />;
  return <AdjudicationScreen key={task.data.id} task={task.data} />;
}

type Choice = Decision['choice'];

function AdjudicationScreen({ task }: { task: AdjudicationTask }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Choice | null>(null);
  const [rationale, setRationale] = useState('');
  const [own, setOwn] = useState<RegionInputs>(EMPTY_INPUTS);
  const [tried, setTried] = useState(false);
  const [enlarged, setEnlarged] = useState<View | null>(null);
  const [signing, setSigning] = useState<Decision | null>(null);
  const decided = task.status === 'decided';

  const decide = useMutation({
    mutationFn: (body: Decision) => api.decide(task.id, body),
    onSuccess: async () => {
      void queryClient.invalidateQueries({ queryKey: ['adjudications'] });
      const next = await api.nextAdjudication();
      if (next) {
        queryClient.setQueryData(['adjudication', next.id], next);
        void navigate(`/adjudication/${next.id}`, { replace: true });
      } else void navigate('/adjudication', { replace: true, state: { finished: true } });
    },
  });

  const rationaleProblem =
    rationale.trim().length < MIN_RATIONALE
      ? `Write a rationale of at least ${MIN_RATIONALE} characters.`
      : null;
  const choiceProblem = choice ? null : 'Choose Read A, Read B or your own read.';

  const send = (scores?: Regions) => {
    setTried(true);
    if (!choice || rationaleProblem) return;
    if (choice === 'own' && !scores) return;
    decide.reset();
    setSigning({ choice, scores, rationale: rationale.trim() });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  const diffClass = (view: View) => {
    const gap = Math.abs(task.readA[view] - task.readB[view]);
    return gap === 0 ? '' : gap >= 20 ? 'diff-strong' : 'diff';
  };

  return (
    <section className="page adjudication-page">
      <header className="page-head">
        <h1>
          Adjudicate <span className="read-code">{task.code}</span>
        </h1>
        {decided && task.decision && (
          <p className="notice">
            Decided: {task.decision.choice === 'own' ? 'own read' : `Read ${task.decision.choice}`}{' '}
            · final SALT {formatSalt(task.decision.finalSalt)}
          </p>
        )}
      </header>
      {!decided && task.queryComment && <QueryComment comment={task.queryComment} />}
      <div className="rules-fired" role="note" aria-label="Rules fired">
        <strong>Why this pair is here:</strong>
        <ul>
          {task.rulesFired.map((rule) => (
            <li key={rule} data-rule={rule}>
              {ruleText(rule, task)}
            </li>
          ))}
        </ul>
      </div>
      <div className="compare-grid">
        {VIEWS.map((view) => (
          <section
            key={view}
            className={`compare-card ${diffClass(view)}`}
            aria-label={VIEW_LABELS[view]}
          >
            <h2>{VIEW_LABELS[view]}</h2>
            <button
              type="button"
              className="view-thumb"
              onClick={() => setEnlarged(view)}
              aria-label={`Open ${VIEW_LABELS[view]} view large`}
            >
              <img src={task.images[view].display} alt={`${VIEW_LABELS[view]} view`} />
            </button>
            <table className="ab-table">
              <thead>
                <tr>
                  <th scope="col">Read A</th>
                  <th scope="col">Read B</th>
                  <th scope="col">Δ</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <td>{task.readA[view]}%</td>
                  <td>{task.readB[view]}%</td>
                  <td className="delta">
                    {Math.round(Math.abs(task.readA[view] - task.readB[view]) * 10) / 10}
                  </td>
                </tr>
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <table className="salt-compare">
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Score</span>
            </th>
            <th scope="col">Read A</th>
            <th scope="col">Read B</th>
            <th scope="col">Difference</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">SALT</th>
            <td>{formatSalt(task.readA.salt)}</td>
            <td>{formatSalt(task.readB.salt)}</td>
            <td className="diff-strong">{formatSalt(task.difference)}</td>
          </tr>
        </tbody>
      </table>
      {!decided && (
        <form className="decision-form stack" onSubmit={onSubmit} noValidate>
          <fieldset aria-describedby={tried && choiceProblem ? 'choice-error' : undefined}>
            <legend>Decision</legend>
            <div className="choices">
              {(['A', 'B'] as const).map((option) => (
                <label key={option} className="choice">
                  <input
                    type="radio"
                    name="choice"
                    value={option}
                    checked={choice === option}
                    onChange={() => setChoice(option)}
                  />
                  Read {option} (SALT{' '}
                  {formatSalt(option === 'A' ? task.readA.salt : task.readB.salt)})
                </label>
              ))}
              {task.allowOwn && (
                <label className="choice">
                  <input
                    type="radio"
                    name="choice"
                    value="own"
                    checked={choice === 'own'}
                    onChange={() => setChoice('own')}
                  />
                  My own read
                </label>
              )}
            </div>
            {tried && choiceProblem && (
              <p id="choice-error" className="field-error">
                {choiceProblem}
              </p>
            )}
          </fieldset>
          <Field
            id="rationale"
            label={`Rationale (required, at least ${MIN_RATIONALE} characters)`}
            error={tried && rationaleProblem}
          >
            {(control) => (
              <textarea
                {...control}
                rows={3}
                value={rationale}
                onChange={(event) => setRationale(event.target.value)}
              />
            )}
          </Field>
          {choice !== 'own' && (
            <button type="submit" className="primary" disabled={decide.isPending}>
              {decide.isPending ? 'Saving…' : 'Record decision'}
            </button>
          )}
          {!signing && <ErrorBox error={decide.error} />}
        </form>
      )}
      {!decided && <NotEvaluableField kind="adjudication" taskId={task.id} />}
      {!decided && choice === 'own' && (
        <section className="own-read" aria-label="Your own read">
          <h2>Your own read</h2>
          <ScoreForm
            idPrefix="own"
            images={task.images}
            inputs={own}
            onChange={setOwn}
            onSubmit={(scores) => send(scores)}
            submitLabel="Record own read"
            disabled={decide.isPending}
          />
        </section>
      )}
      <SignatureDialog
        open={!!signing}
        title={`Sign decision ${task.code}?`}
        signLabel="Sign and record decision"
        busy={decide.isPending}
        recordKey={['adjudication', task.id]}
        requirement={() => api.adjudicationSigning(task.id)}
        error={decide.error}
        onCancel={() => setSigning(null)}
        onSign={(password) => signing && decide.mutate({ ...signing, password })}
      >
        {signing && (
          <p>
            {signing.choice === 'own' ? 'Your own read' : `Read ${signing.choice}`} becomes the
            final score. A recorded decision cannot be changed.
          </p>
        )}
      </SignatureDialog>
      <ImageViewer
        src={enlarged ? task.images[enlarged].full : null}
        label={enlarged ? VIEW_LABELS[enlarged] : ''}
        onClose={() => setEnlarged(null)}
      />
    </section>
  );
}
