import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from '../auth/auth.guard';
import { AuthService } from './auth.service';
import { CredentialsModule } from '../auth/credentials.module';
import { LoginThrottle } from './login-throttle';

/**
 * The /auth routes, a user's own account: login, logout, me, their own password and API tokens;
 * and the guard in front of every route. It builds on users/ (accounts) and audit/. What every
 * feature needs at request time (Principal, @Roles, @CurrentUser, the guard, the sessions and
 * tokens store) is in auth/, below all features, so no feature depends on this module.
 */
@Module({
  imports: [AuditModule, CredentialsModule, UsersModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    LoginThrottle,
    // Every route is closed unless it says @Public() or lists its @Roles().
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
})
export class AuthModule {}
