import { Module } from '@nestjs/common';
import { LoginThrottle } from '../account/login-throttle';
import { AuditModule } from '../audit/audit.module';
import { StudiesModule } from '../studies/studies.module';
import { UsersModule } from '../users/users.module';
import { SignaturesRepository } from './signatures.repository';
import { SignaturesService } from './signatures.service';

/**
 * Electronic signatures on reads, adjudication decisions and corrections. The features that sign
 * (reads/, adjudication/) call SignaturesService around their own transaction. LoginThrottle is
 * stateless (its counters live in Redis), so this module's instance shares the sign-in counters.
 */
@Module({
  imports: [AuditModule, StudiesModule, UsersModule],
  providers: [SignaturesRepository, SignaturesService, LoginThrottle],
  exports: [SignaturesService],
})
export class SignaturesModule {}
