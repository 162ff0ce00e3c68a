import { createHash } from 'node:crypto';
import { Request, Response } from 'express';
import { Readable } from 'node:stream';

export interface Rendition {
  body: Buffer | Readable;
  etag: string;
  contentType: string;
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
  const etag = `"${createHash('sha256')
    .update(`${scopeId}:${rendition.etag}`)
    .digest('base64url')
    .slice(0, 32)}"`;
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
