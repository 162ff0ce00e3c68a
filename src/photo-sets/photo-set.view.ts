import { PhotoSetStatus } from '../common/photo-set-status';
import { View, VIEWS } from './photo-set.entity';
import { ImageRow, PhotoSetRow } from './photo-sets.repository';

/** The unblinded view of a set, for coordinators, auditors and admins only. */
export interface PhotoSetView {
  id: string;
  studyId: string;
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  status: PhotoSetStatus;
  createdAt: string;
  views: {
    view: View;
    status: 'pending' | 'ready' | 'rejected';
    version: number;
    reason?: string;
  }[];
  rejectionReasons: { view: View; reason: string }[];
}

export function toPhotoSetView(set: PhotoSetRow, images: ImageRow[]): PhotoSetView {
  const mine = images
    .filter((image) => image.photoSetId === set.id)
    .sort((a, b) => VIEWS.indexOf(a.view) - VIEWS.indexOf(b.view));
  return {
    id: set.id,
    studyId: set.studyId,
    subjectCode: set.subjectCode,
    visit: set.visit,
    visitDate: set.visitDate,
    status: set.status,
    createdAt: new Date(set.createdAt).toISOString(),
    views: mine.map((image) => ({
      view: image.view,
      status: image.status,
      version: image.version,
      ...(image.reason !== null && { reason: image.reason }),
    })),
    rejectionReasons: mine
      .filter((image) => image.status === 'rejected')
      .map((image) => ({ view: image.view, reason: image.reason ?? 'rejected' })),
  };
}
