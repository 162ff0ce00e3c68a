import { useState } from 'react';

interface PagerProps {
  page: number;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  label: string;
  total?: number;
}

export function Pager({ page, hasNext, onPrev, onNext, label, total }: PagerProps) {
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={onPrev} disabled={page === 0}>
        ← Previous
      </button>
      <span>
        Page {page + 1}
        {total !== undefined ? ` of ${Math.max(1, Math.ceil(total))}` : ''}
      </span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        Next →
      </button>
    </nav>
  );
}

/** Client-side paging of an already loaded list. */
export function usePaged<T>(items: readonly T[], pageSize = 25) {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pages - 1);
  return {
    rows: items.slice(current * pageSize, (current + 1) * pageSize),
    pager: {
      page: current,
      total: pages,
      hasNext: current < pages - 1,
      onPrev: () => setPage(Math.max(0, current - 1)),
      onNext: () => setPage(Math.min(pages - 1, current + 1)),
    },
    reset: () => setPage(0),
  };
}

/** Keyset paging over `{items, nextCursor}`: remembers the cursors of the pages already seen. */
export function useCursorPages() {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = cursors.length - 1;
  return {
    cursor: cursors[page],
    page,
    next: (nextCursor: string | null) => {
      if (nextCursor) setCursors([...cursors, nextCursor]);
    },
    prev: () => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors),
    reset: () => setCursors([null]),
  };
}
