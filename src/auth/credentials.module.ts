import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { AuthRepository } from './auth.repository';
import { SessionEntity } from './session.entity';

/**
 * Sessions and API tokens, without login: UsersModule ends a user's credentials when an admin
 * deactivates them or sets a new password, and AuthModule (login, which needs UsersModule)
 * builds on this. Keeping it apart is what keeps UsersModule and AuthModule out of a cycle.
 */
@Module({
  imports: [TypeOrmModule.forFeature([SessionEntity, ApiTokenEntity])],
  providers: [AuthRepository],
  exports: [AuthRepository],
})
export class CredentialsModule {}
