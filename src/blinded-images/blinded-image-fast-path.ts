import { Injectable } from '@nestjs/common';
import { NextFunction, Request, RequestHandler, Response } from 'express';
import type pino from 'pino';
import { SESSION_COOKIE } from '../auth/auth.guard';
import { secretDigest } from '../auth/secret-token';
import { requestIdOf } from '../logging';
import { ROUTE_LABEL } from '../metrics/route-template';
import { RenditionSize } from '../photo-sets/photo-image.entity';
import { View, VIEWS } from '../photo-sets/photo-set.entity';
import { isRenditionSize, sendBlindedImage } from './blinded-image';
import { BlindedTaskKind } from './blinded-images.repository';
import { BlindedImagesService } from './blinded-images.service';

const KINDS: Record<string, BlindedTaskKind> = { reads: 'read', adjudications: 'adjudication' };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The blinded image routes (`GET /api/v1/reads/:id/images/:view`, and the adjudicator's) ahead
 * of the access log and of Nest's router, guard, interceptor and pipes, for the request that
 * matters: a reader's browser, signed in with the session cookie, fetching an image of its own
 * live task. Raters fetch four images per set, so this is the API's busiest route, and the
 * per-request work of the full chain cost more than serving the file (DESIGN: ≥ 0.8×
 * express.static; bench/images.cjs).
 *
 * It answers only when one query has proven everything the guard and the controller would: a
 * live session of an active user with the route's role, the user's own live task, and a ready
 * image (blinded-images.repository.ts). Anything else (a Bearer token, HEAD, a bad size, an
 * unknown task, an ended session, a database error) goes on down the chain to the controller,
 * so refusals, errors and their bodies are exactly the controller's, and are logged as before.
 *
 * app.factory.ts mounts it after the security headers and the HTTP metrics, so an image it
 * serves has the same headers (sendBlindedImage, X-Request-Id) and is counted under the route's
 * template. Its served images get an access-log line of the same shape as pino-http's, written
 * only when the log level includes it (at warn, the bench's and a quiet install's level, the
 * line costs nothing).
 */
@Injectable()
export class BlindedImageFastPath {
  constructor(private readonly images: BlindedImagesService) {}

  /** The middleware for routes under `prefix` (e.g. `/api/v1`); `accessLog` gets served lines. */
  handler(prefix: string, accessLog?: pino.Logger): RequestHandler {
    const route = new RegExp(
      `^${prefix}/(reads|adjudications)/(${UUID})/images/([a-z]+)$`.replaceAll('/', '\\/'),
    );
    return (request: Request, response: Response, next: NextFunction) => {
      // Every request passes here: only a candidate goes on to the query, the rest at once.
      const candidate = this.candidate(route, request);
      if (!candidate) return next();
      const startedAt = Date.now();
      this.serve(prefix, candidate, request, response).then(
        (served) => {
          if (!served) return next();
          if (accessLog?.isLevelEnabled('info')) {
            response.once('finish', () => logServed(accessLog, request, response, startedAt));
          }
        },
        // Nothing has been written (the bytes go out in one call, last): the controller answers.
        () => next(),
      );
    };
  }

  /** What the request asks for, if it is one this path may answer. */
  private candidate(route: RegExp, request: Request): Candidate | null {
    // A request that names a credential is judged by it alone (AuthGuard): not here.
    if (request.method !== 'GET' || request.headers.authorization !== undefined) return null;
    const session = sessionCookie(request.headers.cookie);
    const match = session ? route.exec(request.path) : null;
    if (!session || !match || !isView(match[3])) return null;
    const size = request.query.size ?? 'display';
    if (!isRenditionSize(size)) return null;
    return {
      kind: KINDS[match[1]],
      segment: match[1],
      taskId: match[2],
      view: match[3],
      size,
      session,
    };
  }

  private async serve(
    prefix: string,
    candidate: Candidate,
    request: Request,
    response: Response,
  ): Promise<boolean> {
    const { kind, segment, taskId, view, size, session } = candidate;
    const rendition = await this.images.open(kind, secretDigest(session), taskId, view, size);
    if (!rendition) return false;
    response.setHeader('X-Request-Id', requestIdOf(request));
    // The metrics label the controller's route has, not the URL with its ids.
    response.locals[ROUTE_LABEL] = `${prefix}/${segment}/:id/images/:view`;
    sendBlindedImage(request, response, taskId, rendition);
    return true;
  }
}

/** The line pino-http (logging.ts httpLogger) writes for a completed request, for one served here. */
export function logServed(
  log: pino.Logger,
  request: Request,
  response: Response,
  startedAt: number,
): void {
  // The id serve() gave the response (a fresh one when the client sent none).
  const requestId = String(response.getHeader('X-Request-Id'));
  log.info(
    {
      req: { id: requestId, method: request.method, url: request.originalUrl },
      res: { statusCode: response.statusCode },
      responseTime: Date.now() - startedAt,
      requestId,
    },
    'request completed',
  );
}

interface Candidate {
  kind: BlindedTaskKind;
  segment: string;
  taskId: string;
  view: View;
  size: RenditionSize;
  session: string;
}

const SESSION = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=([^;]*)`);

/**
 * The session cookie, read here because this runs before cookie-parser (whose work on every
 * cookie of every image request was a noticeable share of this path's cost). The first one
 * counts, as with cookie-parser; a value it would have decoded differently (quotes, %-escapes,
 * which session tokens never have) matches no session, and the request goes on to the guard.
 */
export function sessionCookie(header: string | undefined): string | undefined {
  return header === undefined ? undefined : SESSION.exec(header)?.[1].trim();
}

function isView(value: string): value is View {
  return (VIEWS as readonly string[]).includes(value);
}
