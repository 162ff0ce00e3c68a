import { ImageVersionRow } from '../photo-sets/photo-sets.repository';
import { ListedQueryRow, QueriedView, QueryAnswer, QueryStatus } from './queries.repository';

/**
 * An image query as coordinators, auditors and admins see it: which views, the reasons, its age
 * and the answer. Never who raised it (a rater or the adjudicator, by name, id or read code): the
 * coordinator answers "a reader", so they cannot favour or chase one rater.
 */
export interface QueryView {
  id: string;
  photoSetId: string;
  studyId: string;
  subjectCode: string;
  visit: string;
  status: QueryStatus;
  views: QueriedView[];
  raisedBy: 'a reader';
  raisedAt: string;
  /** Whole seconds since it was raised, as the server saw it. */
  ageSeconds: number;
  answer: QueryAnswer | null;
  /** The coordinator's confirmation comment: shown to the readers as written. */
  comment: string | null;
  answeredAt: string | null;
}

export function toQueryView(row: ListedQueryRow, now = new Date()): QueryView {
  return {
    id: row.id,
    photoSetId: row.photoSetId,
    studyId: row.studyId,
    subjectCode: row.subjectCode,
    visit: row.visit,
    status: row.status,
    views: row.views.map((v) => ({
      view: v.view,
      reason: v.reason,
      ...(v.text !== undefined && { text: v.text }),
    })),
    raisedBy: 'a reader',
    raisedAt: row.createdAt.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - row.createdAt.getTime()) / 1000)),
    answer: row.answer,
    comment: row.comment,
    answeredAt: row.answeredAt ? row.answeredAt.toISOString() : null,
  };
}

/** An earlier version of a view's image: listed for staff, never served. */
export interface ImageVersionView {
  view: ImageVersionRow['view'];
  version: number;
  status: ImageVersionRow['status'];
  sha256: string;
  uploadedAt: string;
  supersededAt: string | null;
  current: boolean;
  imageQueryId: string | null;
}
