import { SetMetadata } from '@nestjs/common';

export const SESSION_ONLY_KEY = 'salt:session-only';

/**
 * A route that needs a signed-in person, not an API token: e.g. creating tokens, so that a leaked
 * token cannot mint fresh ones that outlive its revocation. Tokens get 403.
 */
export const SessionOnly = (): MethodDecorator & ClassDecorator =>
  SetMetadata(SESSION_ONLY_KEY, true);
