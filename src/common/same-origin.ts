import { NextFunction, Request, Response } from 'express';
import { DomainError } from './domain-error';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the CSRF check needs to know about a request; Express's request satisfies it. */
export interface OriginFacts {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** The scheme and host the request was addressed to (Express: req.protocol, req.host). */
  protocol: string;
  host?: string;
}

function header(facts: OriginFacts, name: string): string | undefined {
  const value = facts.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Why an unsafe request must be refused as cross-site, or null when it may proceed.
 *
 * Cookies ride along on any request a browser sends, so a page on another site could otherwise
 * make a signed-in user's browser change things here (CSRF); SameSite=Strict is the only other
 * defence, and some browsers and proxies weaken it. Browsers say where a request comes from in
 * `Sec-Fetch-Site` and `Origin`, which page scripts cannot set:
 * - `Sec-Fetch-Site` must be `same-origin` (or `none`, a user's own navigation); `same-site` is a
 *   sibling subdomain or port, which is still someone else's page;
 * - `Origin`, when present, must be the public origin (unset: the origin the request was
 *   addressed to).
 * A request with a Bearer token is exempt: a browser never attaches one by itself, and without
 * CORS no other site's script may send one. Clients that send neither header are not browsers.
 */
export function crossSiteReason(facts: OriginFacts, publicOrigin?: string): string | null {
  if (SAFE_METHODS.has(facts.method.toUpperCase())) return null;
  if (/^bearer\s/i.test(header(facts, 'authorization') ?? '')) return null;
  const site = header(facts, 'sec-fetch-site')?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return `requests from another site (Sec-Fetch-Site: ${site}) may not change anything`;
  }
  const from = header(facts, 'origin');
  if (from === undefined) return null;
  const expected = publicOrigin ?? (facts.host ? `${facts.protocol}://${facts.host}` : undefined);
  if (expected === undefined || from.toLowerCase() !== expected.toLowerCase()) {
    return 'requests from another origin may not change anything';
  }
  return null;
}

/** Express middleware: refuses cross-site unsafe requests with 403 before any body is read. */
export function refuseCrossSiteWrites(publicOrigin?: string) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const reason = crossSiteReason(request, publicOrigin);
    next(reason === null ? undefined : new DomainError('forbidden', reason));
  };
}
