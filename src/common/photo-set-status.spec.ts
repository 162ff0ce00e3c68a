import {
  isAllowedTransition,
  PHOTO_SET_STATUSES,
  PHOTO_SET_TRANSITIONS,
  PhotoSetStatus,
} from './photo-set-status';

describe('photo set transitions', () => {
  it('lists a row for every status, leading only to known statuses', () => {
    expect(Object.keys(PHOTO_SET_TRANSITIONS).sort()).toEqual([...PHOTO_SET_STATUSES].sort());
    for (const targets of Object.values(PHOTO_SET_TRANSITIONS)) {
      for (const to of targets) expect(PHOTO_SET_STATUSES).toContain(to);
    }
  });

  it('allows the forward path from ingest to a final score', () => {
    const paths: PhotoSetStatus[][] = [
      ['processing', 'ready', 'reading', 'final'],
      ['processing', 'ready', 'awaiting-raters', 'reading', 'adjudicating', 'final'],
      ['processing', 'rejected', 'processing', 'ready'],
    ];
    for (const path of paths) {
      for (let i = 1; i < path.length; i++) {
        expect([path[i - 1], path[i], isAllowedTransition(path[i - 1], path[i])]).toEqual([
          path[i - 1],
          path[i],
          true,
        ]);
      }
    }
  });

  it('lets originals be replaced only until a rater may have seen them', () => {
    const replaceable = PHOTO_SET_STATUSES.filter((from) =>
      isAllowedTransition(from, 'processing'),
    );
    expect(replaceable).toEqual(['processing', 'rejected', 'ready', 'awaiting-raters']);
  });

  it('lets a reopened read take a final set back to reading, and nothing else go back', () => {
    expect(isAllowedTransition('final', 'reading')).toBe(true);
    expect(isAllowedTransition('reading', 'reading')).toBe(true);
    expect(isAllowedTransition('adjudicating', 'reading')).toBe(false);
    expect(isAllowedTransition('final', 'adjudicating')).toBe(false);
    expect(isAllowedTransition('rejected', 'ready')).toBe(false);
    expect(isAllowedTransition('ready', 'final')).toBe(false);
    expect(isAllowedTransition('reading', 'ready')).toBe(false);
    expect(isAllowedTransition('adjudicating', 'adjudicating')).toBe(false);
  });

  it('has a final score reached only through reading or adjudication', () => {
    const into = (to: PhotoSetStatus): PhotoSetStatus[] =>
      PHOTO_SET_STATUSES.filter((from) => isAllowedTransition(from, to));
    expect(into('final')).toEqual(['reading', 'adjudicating']);
    // An image query sends the set back where it was (a confirmation) or to reading (a replacement).
    expect(into('adjudicating')).toEqual(['reading', 'query']);
    expect(into('reading')).toEqual(['ready', 'awaiting-raters', 'reading', 'final', 'query']);
    expect(into('ready')).toEqual(['processing']);
  });

  it('lets a reader take a set being read or adjudicated to query, and an answer take it back', () => {
    expect(PHOTO_SET_STATUSES.filter((from) => isAllowedTransition(from, 'query'))).toEqual([
      'reading',
      'adjudicating',
    ]);
    expect(PHOTO_SET_TRANSITIONS.query).toEqual(['reading', 'adjudicating']);
  });
});
