import { StudyRole } from './study-role';

/**
 * Events about studies, published by StudiesService inside the transaction that makes the
 * change. Find the handlers by searching for the event's name.
 */
declare module '../events/domain-event.decorator' {
  interface DomainEventMap {
    /** A member's study roles changed (or they left): work may need handing on, or may unblock. */
    'study.membership-changed': MembershipChange;
  }
}

export interface MembershipChange {
  studyId: string;
  userId: string;
  removedRoles: StudyRole[];
  addedRoles: StudyRole[];
}
