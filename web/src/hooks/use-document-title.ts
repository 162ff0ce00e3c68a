import { useEffect } from 'react';

/**
 * Sets the tab title to "<title> · salt-reader". On a rater's screens the title lands in history
 * and screen shares, so it may name the read code and never anything about the set.
 */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · salt-reader`;
  }, [title]);
}
