import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { SessionEntity } from './session.entity';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity, ApiTokenEntity]), UsersModule],
  controllers: [AuthController],
  providers: [
    AuthRepository,
    AuthService,
    LoginThrottle,
    // Every route is closed unless it says @Public() or lists its @Roles().
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthRepository],
})
export class AuthModule {}
