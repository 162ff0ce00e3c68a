import { VIEWS, View } from '../photo-sets/photo-set.entity';
import { RENDITION_SIZES, RenditionSize } from '../photo-sets/photo-image.entity';
import { ReadEntity } from './read.entity';
import { ReadDraft, ReadTaskEntity } from './read-task.entity';

export type ImageUrls = Record<View, Record<RenditionSize, string>>;

/**
 * Image URLs name only the task and the view: the photo set id, subject or visit never appear,
 * so a rater (or adjudicator) cannot learn them from an address bar or a saved image.
 */
export function imageUrls(base: string, taskId: string): ImageUrls {
  return Object.fromEntries(
    VIEWS.map((view) => [
      view,
      Object.fromEntries(
        RENDITION_SIZES.map((size) => [size, `${base}/${taskId}/images/${view}?size=${size}`]),
      ),
    ]),
  ) as ImageUrls;
}

/** What a rater sees of their task (api-shapes.md ReadTask): nothing about the set behind it. */
export interface ReadTaskView {
  id: string;
  readCode: string;
  status: 'assigned' | 'submitted';
  images: ImageUrls;
  draft: ReadDraft | null;
  submitted: {
    top: number;
    back: number;
    left: number;
    right: number;
    salt: number;
    submittedAt: string;
  } | null;
}

export function toReadTaskView(task: ReadTaskEntity, read: ReadEntity | null): ReadTaskView {
  return {
    id: task.id,
    readCode: task.readCode,
    status: task.status === 'submitted' ? 'submitted' : 'assigned',
    images: imageUrls('/api/v1/reads', task.id),
    draft: task.status === 'assigned' ? (task.draft ?? null) : null,
    submitted:
      task.status === 'submitted' && read
        ? {
            top: read.top,
            back: read.back,
            left: read.left,
            right: read.right,
            salt: read.salt,
            submittedAt: read.submittedAt.toISOString(),
          }
        : null,
  };
}
