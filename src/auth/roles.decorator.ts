import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiPublic } from '../common/openapi';
import { Role } from './role';
import { Principal } from './principal';

export const PUBLIC_KEY = 'salt:public';
export const ROLES_KEY = 'salt:roles';

/** Open to anyone, signed in or not. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiPublic());

/**
 * Which global roles may call a route. Every non-public route must declare this; `'any'` means
 * any signed-in user. Study-level checks happen in the services on top of this.
 */
export const Roles = (...roles: (Role | 'any')[]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  return request.principal;
});
