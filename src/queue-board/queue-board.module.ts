import { Module } from '@nestjs/common';
import { CredentialsModule } from '../auth/credentials.module';
import { AdminSession } from './admin-session';
import { QueueBoard } from './queue-board';

/** Bull Board at /admin/queues, behind an admin's session (mounted by app.factory.ts). */
@Module({
  imports: [CredentialsModule],
  providers: [AdminSession, QueueBoard],
  exports: [QueueBoard],
})
export class QueueBoardModule {}
