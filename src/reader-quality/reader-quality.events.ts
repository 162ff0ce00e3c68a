/**
 * Events the reader-quality feature publishes inside the transaction of its change. The reads
 * feature owns read_tasks and handles them (src/reads/quality-tasks.service.ts); search for an
 * event's name to find its handlers.
 */
declare module '../events/domain-event.decorator' {
  interface DomainEventMap {
    /** Calibration or re-read tasks to create, with their ids chosen by the publisher. */
    'reader-quality.tasks-due': QualityTasksDue;
    /** A rater may now take live work in the study (qualified, granted, reinstated). */
    'reader-quality.rater-cleared': RaterInStudy;
    /** A rater is suspended in the study: their open live tasks move on. */
    'reader-quality.rater-suspended': RaterInStudy;
  }
}

export type QualityTaskKind = 'calibration' | 'reread';

export interface QualityTaskDue {
  id: string;
  photoSetId: string;
  raterId: string;
  kind: QualityTaskKind;
}

export interface QualityTasksDue {
  studyId: string;
  tasks: QualityTaskDue[];
}

export interface RaterInStudy {
  studyId: string;
  raterId: string;
}
