import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { EventsModule } from '../events/events.module';
import { UsersModule } from '../users/users.module';
import { StudiesController } from './studies.controller';
import { StudiesRepository } from './studies.repository';
import { StudiesService } from './studies.service';
import { StudyMemberEntity } from './study-member.entity';
import { StudyEntity } from './study.entity';
import { StudyLockController } from './study-lock.controller';
import { StudyLockRepository } from './study-lock.repository';
import { StudyLockService } from './study-lock.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([StudyEntity, StudyMemberEntity]),
    AuditModule,
    EventsModule,
    UsersModule,
  ],
  controllers: [StudiesController, StudyLockController],
  providers: [StudiesRepository, StudiesService, StudyLockRepository, StudyLockService],
  exports: [StudiesService, StudiesRepository, StudyLockService],
})
export class StudiesModule {}
