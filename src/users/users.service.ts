import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditService, SYSTEM_ACTOR } from '../audit/audit.service';
import { AuthRepository } from '../auth/auth.repository';
import { assertPasswordStrength, hashPassword } from '../auth/password';
import { actorOf, Principal } from '../auth/principal';
import { revokeTokensForNewPassword } from './password-change';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { conflict, notFound } from '../common/domain-error';
import { TransactionService } from '../database/transaction.service';
import { DomainEvents } from '../events/domain-events.service';
import { CreateUserDto, UpdateUserDto } from './dto/user.dto';
import { toUserView, UserView } from './user.entity';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly auth: AuthRepository,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** First start with no accounts: create the admin named in the environment. */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    const created = await this.tx.run(async (tx) => {
      await this.users.lockForBootstrap(tx);
      if ((await this.users.count(tx)) > 0) return false;
      const user = await this.users.create(tx, {
        email: adminEmail,
        name: 'Administrator',
        passwordHash: await hashPassword(adminPassword),
        roles: ['admin'],
      });
      await this.audit.record(tx, {
        actor: SYSTEM_ACTOR,
        action: AuditAction.UserCreated,
        entityType: 'user',
        entityId: user.id,
        after: { email: user.email, roles: user.roles, bootstrap: true },
      });
      return true;
    });
    if (created) this.logger.log(`created the first admin account ${adminEmail}`);
  }

  async list(): Promise<UserView[]> {
    return (await this.users.list()).map(toUserView);
  }

  async create(principal: Principal, input: CreateUserDto): Promise<UserView> {
    assertPasswordStrength(input.password, this.config.passwordMinLength, 'password');
    const passwordHash = await hashPassword(input.password);
    return this.tx.run(async (tx) => {
      if (await this.users.emailTaken(tx, input.email)) {
        throw conflict('A user with this email already exists');
      }
      const user = await this.users.create(tx, {
        email: input.email,
        name: input.name,
        passwordHash,
        roles: input.roles,
      });
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.UserCreated,
        entityType: 'user',
        entityId: user.id,
        after: { email: user.email, name: user.name, roles: user.roles },
      });
      return toUserView(user);
    });
  }

  async update(principal: Principal, id: string, input: UpdateUserDto): Promise<UserView> {
    if (input.password !== undefined) {
      assertPasswordStrength(input.password, this.config.passwordMinLength, 'password');
    }
    const passwordHash =
      input.password === undefined ? undefined : await hashPassword(input.password);
    return this.tx.run(async (tx) => {
      const before = await this.users.findByIdForUpdate(tx, id);
      if (!before) throw notFound('User not found');
      const changes = {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.roles !== undefined && { roles: input.roles }),
        ...(input.active !== undefined && { active: input.active }),
        ...(passwordHash !== undefined && { passwordHash }),
      };
      const after = await this.users.update(tx, id, changes);
      const deactivated = before.active && !after.active;
      // Deactivation and a new password both end the user's sessions at once.
      const sessionsEnded =
        deactivated || passwordHash !== undefined ? await this.auth.revokeAllSessions(tx, id) : 0;
      if (deactivated) await this.events.publish(tx, 'user.deactivated', { userId: id });
      // Audit events come last: each takes the chain lock until commit.
      const tokensRevoked =
        passwordHash !== undefined
          ? await revokeTokensForNewPassword(
              tx,
              this.auth,
              this.audit,
              actorOf(principal, 'admin'),
              id,
            )
          : 0;
      await this.audit.record(tx, {
        actor: actorOf(principal, 'admin'),
        action: AuditAction.UserChanged,
        entityType: 'user',
        entityId: id,
        before: { name: before.name, roles: before.roles, active: before.active },
        after: {
          name: after.name,
          roles: after.roles,
          active: after.active,
          passwordChanged: passwordHash !== undefined,
          sessionsEnded,
          tokensRevoked,
        },
      });
      return toUserView(after);
    });
  }
}
