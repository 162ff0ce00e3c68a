import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { column, execute, firstRow } from '../database/typed-query';
import { Role } from '../auth/role';
import { UserEntity } from './user.entity';

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  roles: Role[];
}

const BOOTSTRAP_LOCK = 0x5a17_0002;

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private manager(tx?: EntityManager): EntityManager {
    return tx ?? this.dataSource.manager;
  }

  /**
   * Held until commit by the start-up that creates the first admin: several processes starting
   * at once on an empty database must not each create one.
   */
  async lockForBootstrap(tx: EntityManager): Promise<void> {
    await execute(tx, 'SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK]);
  }

  async create(tx: EntityManager, user: NewUser): Promise<UserEntity> {
    const row = tx.create(UserEntity, { ...user, email: user.email.toLowerCase(), active: true });
    await tx.insert(UserEntity, row);
    return this.manager(tx).findOneByOrFail(UserEntity, { id: row.id });
  }

  findById(id: string, tx?: EntityManager): Promise<UserEntity | null> {
    return this.manager(tx).findOneBy(UserEntity, { id });
  }

  /** Locks the row so concurrent changes to one account apply one after the other. */
  findByIdForUpdate(tx: EntityManager, id: string): Promise<UserEntity | null> {
    return tx.findOne(UserEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async findByEmailWithHash(email: string): Promise<UserEntity | null> {
    return this.dataSource.manager
      .createQueryBuilder(UserEntity, 'u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  async emailTaken(tx: EntityManager, email: string): Promise<boolean> {
    const user = await firstRow(
      tx,
      { id: column.text() },
      'SELECT id FROM users WHERE lower(email) = lower($1)',
      [email],
    );
    return user !== null;
  }

  list(): Promise<UserEntity[]> {
    return this.dataSource.manager.find(UserEntity, { order: { email: 'ASC' } });
  }

  async count(tx?: EntityManager): Promise<number> {
    return this.manager(tx).count(UserEntity);
  }

  async update(
    tx: EntityManager,
    id: string,
    changes: Partial<Pick<UserEntity, 'name' | 'roles' | 'active' | 'passwordHash'>>,
  ): Promise<UserEntity> {
    await tx.update(UserEntity, { id }, changes);
    return tx.findOneByOrFail(UserEntity, { id });
  }
}
