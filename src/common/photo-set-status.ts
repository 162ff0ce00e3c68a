/**
 * A photo set's statuses and the moves between them. Here in common/ rather than photo-sets/
 * because studies/ counts sets by status and photo-sets/ depends on studies/: the statuses sit
 * below both, so neither folder imports the other back.
 */
export const PHOTO_SET_STATUSES = [
  'processing',
  'rejected',
  'ready',
  'awaiting-raters',
  'reading',
  'adjudicating',
  'final',
  'query',
] as const;
export type PhotoSetStatus = (typeof PHOTO_SET_STATUSES)[number];

/**
 * Every status change a photo set may make, by the status it leaves; PhotoSetsRepository.transition
 * refuses anything else. Forward: processing → (ingest) → ready | rejected; ready → reading, or
 * awaiting-raters until two raters are free (assignment); reading → final when the pair agrees,
 * else adjudicating → final. Back: a set goes back to processing when its originals are replaced,
 * which is allowed only until a rater may have seen them; a reopened read takes a final set back
 * to reading. The two self-moves let a caller name a status the set may already be in: a
 * replacement of a set still processing (ingest starts over), a read reopened while still reading.
 * Image queries: a reader who finds a view not evaluable takes a set being read or adjudicated to
 * query; the coordinator's answer sends it back to where it was (a confirmation) or, once a
 * replacement image is ready, to reading by the same pair (src/queries/).
 */
export const PHOTO_SET_TRANSITIONS = {
  processing: ['ready', 'rejected', 'processing'],
  rejected: ['processing'],
  ready: ['awaiting-raters', 'reading', 'processing'],
  'awaiting-raters': ['reading', 'processing'],
  reading: ['final', 'adjudicating', 'reading', 'query'],
  adjudicating: ['final', 'query'],
  final: ['reading'],
  query: ['reading', 'adjudicating'],
} as const satisfies { readonly [From in PhotoSetStatus]: readonly PhotoSetStatus[] };

export function isAllowedTransition(from: PhotoSetStatus, to: PhotoSetStatus): boolean {
  return (PHOTO_SET_TRANSITIONS[from] as readonly PhotoSetStatus[]).includes(to);
}
