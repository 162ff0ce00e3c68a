import { applyDecorators } from '@nestjs/common';
import {
  ApiExtension,
  ApiExtraModels,
  ApiProperty,
  ApiResponse,
  getSchemaPath,
  OpenAPIObject,
} from '@nestjs/swagger';
import { ErrorBody } from './http-exception.filter';

/**
 * Shared pieces of the OpenAPI contract (served at /api/docs-json, linted by `npm run
 * lint:openapi`, and checked against real responses in the e2e suite). Response schemas live
 * beside each feature in its dto/ folder.
 */

/** The one error body of the API (DESIGN §4), produced by HttpExceptionFilter. */
export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ type: 'integer', example: 404 })
  statusCode!: number;

  @ApiProperty({ example: 'Not Found', description: 'The HTTP reason phrase' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    description: 'A sentence, or one message per invalid field. Never a stack trace or SQL.',
    example: 'Not found',
  })
  message!: string | string[];

  @ApiProperty({ description: 'Also sent as the X-Request-Id header; quote it in bug reports' })
  requestId!: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 423 | 429 | 503;

const WHEN: Record<ErrorStatus, string> = {
  400: 'Invalid input, or a malformed or too deeply nested JSON body; `message` lists one sentence per field',
  401: 'Not signed in, or the session or token has expired',
  403: 'Refused: the role or token does not allow this, or the request came from another site',
  404: 'Not found; also the answer to anything the caller may not see, so it reveals nothing',
  409: 'Conflicts with the current state',
  413: 'The body or upload is too large (JSON bodies: 1 MB)',
  415: 'The body is not of a media type this route takes (or is JSON not in UTF-8)',
  423: 'Locked: signing is locked for this session after repeated wrong passwords; sign in again',
  429: 'Too many attempts; try again in a minute',
  503: 'The database (or Redis) is unavailable; try again shortly',
};

/** Documents the error answers an operation (or a whole controller) can give. */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  // Content spelled out: with `type`, swagger would list the error under the route's own
  // media types (image/jpeg, text/csv), but errors are always JSON.
  const content = { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodyDto) } } };
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto),
    ...statuses.map((status) => ApiResponse({ status, description: WHEN[status], content })),
  );
}

/** Errors any signed-in route can answer: see auth.guard.ts. */
export const ApiSignedIn = (): MethodDecorator & ClassDecorator => ApiErrors(401, 403, 503);

/**
 * Marks an operation that needs no credentials. The document builder turns the mark into
 * `security: []`, overriding the root requirement (swagger omits an empty security list).
 */
export const PUBLIC_OPERATION = 'x-salt-public';
export const ApiPublic = (): MethodDecorator & ClassDecorator =>
  ApiExtension(PUBLIC_OPERATION, true);

/** Tags, in the order a reader meets them, each with what its routes are for. */
export const OPENAPI_TAGS: readonly [name: string, description: string][] = [
  ['auth', 'Sign-in, sessions, password and personal API tokens'],
  ['users', 'Accounts and global roles (admin)'],
  ['studies', 'Studies, their imaging charter (settings) and members'],
  ['photo-sets', 'Upload and unblinded review of photo sets (coordinators, auditors, admins)'],
  ['imports', 'Bulk import of photo sets from a ZIP archive'],
  ['reads', "The rater's blinded queue and scoring; anything not the rater's own is 404"],
  ['adjudications', "The adjudicator's blinded tasks: Read A and Read B, and the decision"],
  ['results', 'Unblinded results, exports and agreement statistics'],
  ['queries', "Image queries: a reader's 'not evaluable', answered by the coordinator"],
  ['reader-quality', 'Calibration sets, rater qualification, blinded re-reads and drift'],
  ['audit', 'The tamper-evident audit trail (auditors, admins)'],
  ['health', 'Liveness and readiness'],
];

/**
 * Answers any operation can give, because app-wide middleware gives them before the route runs:
 * the JSON body parser (400 malformed or too deep, 413 over 1 MB, 415 not UTF-8) and the
 * media-type check (415 for a body the route does not take). Declared on every operation that
 * does not already, so the document describes what the server really sends.
 */
export function declareAppWideErrors(document: OpenAPIObject): void {
  const content = { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodyDto) } } };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations as Record<string, unknown>)) {
      if (typeof operation !== 'object' || operation === null || !('responses' in operation)) {
        continue;
      }
      const responses = operation.responses as Record<string, unknown>;
      for (const status of [400, 413, 415] as const) {
        responses[status] ??= { description: WHEN[status], content };
      }
    }
  }
}
