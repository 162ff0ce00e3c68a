import { applyDecorators, Get, ParseEnumPipe } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { invalid, notFound } from '../common/domain-error';
import { ApiErrors } from '../common/openapi';
import { ApiImage } from '../photo-sets/api-image.decorator';
import { RENDITION_SIZES, RenditionSize } from '../photo-sets/photo-image.entity';
import { VIEWS } from '../photo-sets/photo-set.entity';

/*
 * Serving an image to a blinded reader: the rater's task (reads.controller.ts) and the
 * adjudicator's task (adjudication.controller.ts) answer the same way, from here.
 */

/** `GET :id/images/:view?size=…` of a blinded task, with its OpenAPI description. */
export function BlindedImageRoute(summary: string): MethodDecorator {
  return applyDecorators(
    Get(':id/images/:view'),
    ApiOperation({ summary }),
    ApiImage(),
    ApiErrors(400, 404),
  );
}

/** Unknown views are 404 like unknown tasks: the URL space reveals nothing. */
export const ViewParam = new ParseEnumPipe(Object.fromEntries(VIEWS.map((view) => [view, view])), {
  exceptionFactory: () => notFound('Not found'),
});

export function isRenditionSize(size: unknown): size is RenditionSize {
  return (RENDITION_SIZES as readonly unknown[]).includes(size);
}

/** The `size` query parameter; `display` when absent. */
export function renditionSize(size: string | undefined): RenditionSize {
  if (size === undefined) return 'display';
  if (!isRenditionSize(size)) throw invalid([`size must be one of ${RENDITION_SIZES.join(', ')}`]);
  return size;
}

export interface Rendition {
  body: Buffer | Readable;
  etag: string;
  contentType: string;
}

/** Derived tags, kept because every image request needs one; cleared whole when full. */
const scopedEtags = new Map<string, string>();
const SCOPED_ETAGS_MAX = 10_000;

function scopedEtag(scopeId: string, etag: string): string {
  const input = `${scopeId}:${etag}`;
  let scoped = scopedEtags.get(input);
  if (scoped === undefined) {
    scoped = `"${createHash('sha256').update(input).digest('base64url').slice(0, 32)}"`;
    if (scopedEtags.size >= SCOPED_ETAGS_MAX) scopedEtags.clear();
    scopedEtags.set(input, scoped);
  }
  return scoped;
}

/**
 * Sends a rendition to a blinded reader. The ETag is strong (it changes exactly when the bytes
 * do) but is derived per task, so it cannot be matched against another task's image or the
 * storage key. No Content-Disposition: a saved file gets no name that says anything.
 */
export function sendBlindedImage(
  request: Request,
  response: Response,
  scopeId: string,
  rendition: Rendition,
): void {
  const etag = scopedEtag(scopeId, rendition.etag);
  response.setHeader('Cache-Control', 'private');
  response.setHeader('ETag', etag);
  const ifNoneMatch = request.headers['if-none-match'];
  if (
    ifNoneMatch &&
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
  ) {
    if (rendition.body instanceof Readable) rendition.body.destroy();
    response.status(304).end();
    return;
  }
  response.status(200);
  response.setHeader('Content-Type', rendition.contentType);
  if (Buffer.isBuffer(rendition.body)) {
    response.setHeader('Content-Length', String(rendition.body.length));
    response.end(rendition.body);
    return;
  }
  rendition.body.on('error', () => response.destroy());
  rendition.body.pipe(response);
}
