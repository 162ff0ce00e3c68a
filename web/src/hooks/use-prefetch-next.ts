import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api';
import { VIEWS } from '../types';

/**
 * Prefetched images stay referenced until the next ones replace them, so the browser keeps them
 * decoded in the page's list of available images and the next screen's <img> paints at once.
 */
const held: HTMLImageElement[] = [];

/**
 * While the rater scores `currentId`, loads the task that POST /reads/next will hand out after it
 * (the first other open task in the rater's own random queue order, as GET /reads lists it) into
 * the query cache, and its four display images into the browser, so the rater never waits for
 * the next set after "Submit".
 *
 * Only read-only requests for the rater's own tasks: nothing is claimed, opened or audited, the
 * server still decides which task comes next (the page asks POST /reads/next after submitting,
 * as before), and a guess that turns out wrong because new work arrived first costs only the
 * download. Blinding is unchanged: these are the same task and images the rater is about to see.
 */
export function usePrefetchNext(currentId: string, enabled: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    void (async () => {
      const queue = await api.reads();
      const next = queue.items.find((item) => item.id !== currentId);
      if (!next || cancelled) return;
      const task = await queryClient.fetchQuery({
        queryKey: ['read', next.id],
        queryFn: () => api.read(next.id),
      });
      if (cancelled) return;
      const images = VIEWS.map((view) => {
        const image = new Image();
        image.src = task.images[view].display;
        image.decode().catch(() => {});
        return image;
      });
      held.splice(0, held.length, ...images);
    })().catch(() => {
      // Only a prefetch: without it the next screen loads as it always did.
    });
    return () => {
      cancelled = true;
    };
  }, [currentId, enabled, queryClient]);
}
