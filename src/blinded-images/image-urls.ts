import { RENDITION_SIZES, RenditionSize } from '../photo-sets/photo-image.entity';
import { View, VIEWS } from '../photo-sets/photo-set.entity';

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
