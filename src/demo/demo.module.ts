import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { PhotoSetsModule } from '../photo-sets/photo-sets.module';
import { StudiesModule } from '../studies/studies.module';
import { UsersModule } from '../users/users.module';
import { DemoService } from './demo.service';

/** Demo data on request: `npm run seed:demo`, or SALT_DEMO=true at start-up. */
@Module({
  imports: [AuditModule, PhotoSetsModule, StudiesModule, UsersModule],
  providers: [DemoService],
  exports: [DemoService],
})
export class DemoModule {}
