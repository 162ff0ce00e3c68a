import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { CredentialsModule } from './credentials.module';
import { LoginThrottle } from './login-throttle';

/** Login, logout, one's own password and API tokens, and the guard in front of every route. */
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
