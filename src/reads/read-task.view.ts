import { ImageUrls, imageUrls } from '../blinded-images/image-urls';
import { ReadEntity } from './read.entity';
import { ReadDraft, ReadTaskEntity } from './read-task.entity';

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
  /** Only when a coordinator confirmed the images after an image query: typed by them. */
  queryComment?: string;
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
    ...(task.status === 'assigned' &&
      task.queryComment !== null && {
        queryComment: task.queryComment,
      }),
  };
}
