import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Pager, usePaged } from '../components/Pager';
import { useDocumentTitle } from '../hooks/use-document-title';

export function AdjudicatorQueuePage() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const queue = useQuery({
    queryKey: ['adjudications'],
    queryFn: api.adjudications,
    staleTime: 0,
    // New work is assigned by background jobs; the counts follow without a reload.
    refetchInterval: 10_000,
  });
  const finished = (location.state as { finished?: boolean } | null)?.finished;
  useDocumentTitle('Adjudication');
  const start = useMutation({
    mutationFn: api.nextAdjudication,
    onSuccess: (task) => {
      if (task) {
        queryClient.setQueryData(['adjudication', task.id], task);
        void navigate(`/adjudication/${task.id}`);
      } else void queryClient.invalidateQueries({ queryKey: ['adjudications'] });
    },
  });
  const open = usePaged(queue.data?.items ?? [], 20);
  if (queue.isPending) return <Loading what="your adjudication queue" />;
  if (queue.error) return <ErrorBox error={queue.error} />;
  const { open: left, decidedToday } = queue.data.counts;
  return (
    <section className="page narrow queue-page">
      <h1>Adjudication queue</h1>
      <p className="queue-counts" data-testid="queue-counts">
        <span>
          <strong>{left}</strong> left
        </span>
        <span>
          <strong>{decidedToday}</strong> decided today
        </span>
      </p>
      {finished && left === 0 && (
        <p className="notice" role="status">
          All discordant pairs are decided.
        </p>
      )}
      {left > 0 ? (
        <button
          type="button"
          className="primary big"
          onClick={() => start.mutate()}
          disabled={start.isPending}
          autoFocus
        >
          {decidedToday > 0 ? 'Continue adjudicating' : 'Start adjudicating'}
        </button>
      ) : (
        !finished && <p className="notice">No discordant pairs are waiting for you.</p>
      )}
      <ErrorBox error={start.error} />
      {queue.data.items.length > 0 && (
        <>
          <h2>Open tasks</h2>
          <ul className="plain-list">
            {open.rows.map((item) => (
              <li key={item.id}>
                <Link to={`/adjudication/${item.id}`}>{item.code}</Link>
              </li>
            ))}
          </ul>
          <Pager label="Open tasks" {...open.pager} />
        </>
      )}
    </section>
  );
}
