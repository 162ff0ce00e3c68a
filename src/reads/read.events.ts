/**
 * Events about reads, published by ReadsService inside the transaction that makes the change.
 * Find the handlers by searching for the event's name.
 */
declare module '../events/domain-event.decorator' {
  interface DomainEventMap {
    /**
     * A rater (or, from adjudication, an adjudicator) could not score some views of a set: an
     * image query opens (src/queries/). The handler withdraws the set's open tasks.
     */
    'read.not-evaluable': NotEvaluableRaised;
  }
}

export interface NotEvaluableRaised {
  photoSetId: string;
  studyId: string;
  /** Who raised it: recorded for auditors, never shown to coordinators. */
  raisedBy: { userId: string; name: string; role: 'rater' | 'adjudicator' };
  /** The rater's read task, or the adjudicator's adjudication task. */
  taskId: string;
  views: { view: 'top' | 'back' | 'left' | 'right'; reason: string; text?: string }[];
}
