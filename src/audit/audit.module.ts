import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuditEventEntity } from './audit-event.entity';
import { AuditLogController } from './audit-log.controller';
import { AuditLogRepository } from './audit-log.repository';
import { AuditLogService } from './audit-log.service';
import { AuditSigningKey } from './audit-signing-key';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { AuditTrailService } from './audit-trail.service';

/**
 * The audit trail: import it wherever a state change records its audit event. The sealer that
 * turns events into the signed log runs in worker processes (WorkersModule).
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController, AuditLogController],
  providers: [
    AuditRepository,
    AuditService,
    AuditTrailService,
    AuditLogRepository,
    AuditLogService,
    {
      provide: AuditSigningKey,
      useFactory: (config: AppConfig) => AuditSigningKey.load(config.audit),
      inject: [APP_CONFIG],
    },
  ],
  exports: [AuditService, AuditRepository, AuditSigningKey],
})
export class AuditModule {}
