/**
 * A failure the client can act on. Modules throw these with a code; the one exception filter maps
 * the code to an HTTP status, so services never import HTTP types.
 */
export type DomainErrorCode =
  | 'not-found'
  | 'conflict'
  | 'invalid'
  | 'forbidden'
  | 'unauthenticated'
  | 'too-many-requests'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'unavailable'
  /** The resource is locked for this caller, e.g. signing after repeated wrong passwords. */
  | 'locked';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string | string[],
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.name = 'DomainError';
    this.details = message;
  }

  readonly details: string | string[];
}

export const notFound = (what = 'Not found'): DomainError => new DomainError('not-found', what);
export const conflict = (message: string): DomainError => new DomainError('conflict', message);
export const invalid = (message: string | string[]): DomainError =>
  new DomainError('invalid', message);
