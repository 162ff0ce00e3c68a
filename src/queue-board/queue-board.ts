import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Injectable } from '@nestjs/common';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { notFound } from '../common/domain-error';
import { ROUTE_LABEL } from '../metrics/route-template';
import { ALL_QUEUES } from '../queue/queue-names';
import { QueueProducer } from '../queue/queue.producer';
import { AdminSession } from './admin-session';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * The board's own policy, sent on this path alone: the app's (app.factory.ts), spelled out for
 * what the board's UI loads (scripts, styles and its code-highlighting worker from its own
 * files, JSON from its API) and no framing at all. The Google Fonts stylesheet it links stays
 * blocked, so an admin's browser tells no third party it opened the dashboard; the UI falls back
 * to system fonts (test/operations/queue-board-browser.e2e-spec.ts).
 */
export const QUEUE_BOARD_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self'",
].join('; ');

/**
 * Bull Board for every queue, for admins only. Anyone else, signed in or not, gets the same 404
 * as for a path that does not exist, so the dashboard does not even show that it is there.
 *
 * Mounted by app.factory.ts after the app-wide middleware, so its unsafe requests (retry, clean,
 * pause) meet the same cross-site refusal, JSON body limits and request log as the API's. Job
 * payloads hold ids only (test/operations/job-payloads.e2e-spec.ts), so nothing blinded shows.
 * The board is read-only: retrying, cleaning, pausing or editing jobs by hand would change what
 * the system does with no audit event saying who did it, so the board shows queues and jobs and
 * refuses every action (405). Lost or stuck work is put back by the reconciler from Postgres.
 */
@Injectable()
export class QueueBoard {
  constructor(
    private readonly producer: QueueProducer,
    private readonly admins: AdminSession,
  ) {}

  /** The gate, then the board's own Express app; mount at QUEUE_BOARD_PATH. */
  handlers(): RequestHandler[] {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: ALL_QUEUES.map(
        (name) => new BullMQAdapter(this.producer.queue(name), { readOnlyMode: true }),
      ),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'salt-reader queues' } },
    });
    const board = adapter.getRouter() as Express;
    board.disable('x-powered-by');
    const gate = (request: Request, response: Response, next: NextFunction): void => {
      response.locals[ROUTE_LABEL] = QUEUE_BOARD_PATH;
      this.admins.isAdmin(request).then((admin) => {
        if (!admin) return next(notFound('Not found'));
        response.setHeader('Content-Security-Policy', QUEUE_BOARD_CSP);
        response.setHeader('Cache-Control', 'no-store');
        next();
      }, next);
    };
    return [gate, board];
  }
}
