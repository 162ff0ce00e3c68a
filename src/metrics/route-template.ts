/** What the route label is read from: Express's request and response satisfy these. */
export interface RoutedRequest {
  method: string;
  path: string;
  baseUrl?: string;
  route?: { path?: unknown };
}
export interface LabelledResponse {
  statusCode: number;
  locals: Record<string, unknown>;
}

/** A mount that is not an Express route (e.g. the queue board's static files) names itself here. */
export const ROUTE_LABEL = 'metricsRoute';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Any other method a client makes up shares one label, so it cannot grow the series. */
export function methodLabel(method: string): string {
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : 'OTHER';
}

/**
 * The route a request was served by, as its template: `/api/v1/photo-sets/:id`, never the URL
 * itself, which carries ids (and would make a series per photo set). Requests no route served
 * are `web` (the web app's files and deep links) or `unmatched` (unknown paths, Nest's
 * not-found handler, requests refused before routing), so a scan of made-up URLs adds no series.
 */
export function routeTemplate(request: RoutedRequest, response: LabelledResponse): string {
  const template = request.route?.path;
  // A wildcard is Nest's not-found handler (`/api/v1*path`): what it caught is no route.
  if (typeof template === 'string' && !template.includes('*')) {
    return (request.baseUrl ?? '') + template;
  }
  const named = response.locals[ROUTE_LABEL];
  if (typeof named === 'string') return named;
  const method = request.method.toUpperCase();
  if ((method === 'GET' || method === 'HEAD') && !request.path.startsWith('/api')) {
    return response.statusCode < 400 ? 'web' : 'unmatched';
  }
  return 'unmatched';
}
