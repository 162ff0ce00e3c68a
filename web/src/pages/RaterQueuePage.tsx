import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { OwnQualificationNote } from '../components/OwnQualificationNote';
import { useDocumentTitle } from '../hooks/use-document-title';

export const LAST_READ_KEY = 'salt-reader:last-read';

/** "My queue": how much is left, how much is done today, and one button to carry on. */
export function RaterQueuePage() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const queue = useQuery({
    queryKey: ['reads'],
    queryFn: api.reads,
    staleTime: 0,
    // New work is assigned by background jobs; the counts follow without a reload.
    refetchInterval: 10_000,
  });
  const finished = (location.state as { finished?: boolean } | null)?.finished;
  useDocumentTitle('My queue');

  // Only the task id is remembered, never anything about the set: it lets "Continue" reopen the
  // half-scored read instead of a random new one.
  const lastId = localStorage.getItem(LAST_READ_KEY);
  const inProgress = queue.data?.items.find((item) => item.id === lastId);

  const start = useMutation({
    mutationFn: async () => {
      if (inProgress) return inProgress.id;
      const task = await api.nextRead();
      if (task) queryClient.setQueryData(['read', task.id], task);
      return task?.id ?? null;
    },
    onSuccess: (id) => {
      if (id) void navigate(`/read/${id}`);
      else void queryClient.invalidateQueries({ queryKey: ['reads'] });
    },
  });

  if (queue.isPending) return <Loading what="your queue" />;
  if (queue.error) return <ErrorBox error={queue.error} />;
  const { open, submittedToday } = queue.data.counts;
  return (
    <section className="page narrow queue-page">
      <h1>My queue</h1>
      <p className="queue-counts" data-testid="queue-counts">
        <span>
          <strong>{open}</strong> left
        </span>
        <span>
          <strong>{submittedToday}</strong> done today
        </span>
      </p>
      <OwnQualificationNote />
      {finished && open === 0 && (
        <p className="notice" role="status">
          All caught up. New sets appear here when they are assigned to you.
        </p>
      )}
      {open > 0 ? (
        <button
          type="button"
          className="primary big"
          onClick={() => start.mutate()}
          disabled={start.isPending}
          autoFocus
        >
          {inProgress
            ? `Continue ${inProgress.readCode}`
            : submittedToday > 0
              ? 'Continue reading'
              : 'Start reading'}
        </button>
      ) : (
        !finished && <p className="notice">Nothing is waiting for you right now.</p>
      )}
      {start.data === null && <p className="notice">Nothing is waiting for you right now.</p>}
      <ErrorBox error={start.error} />
    </section>
  );
}
