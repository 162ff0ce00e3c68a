import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Role } from '../auth/role';
import { RenditionSize } from '../photo-sets/photo-image.entity';
import { View } from '../photo-sets/photo-set.entity';

/** Whose blinded task an image is asked for: a rater's read task or an adjudicator's task. */
export type BlindedTaskKind = 'read' | 'adjudication';

/**
 * Each kind's task table, its reader and the role the route demands (the controllers' @Roles).
 * A task is live while its reader may still look at it: the statuses of ReadsRepository.ownTask
 * and AdjudicationRepository.ownTask. Withdrawn, reassigned and voided tasks are not live, so
 * their images are refused from the moment that change commits.
 */
const TASKS: Record<BlindedTaskKind, { table: string; reader: string; role: Role; live: string }> =
  {
    read: {
      table: 'read_tasks',
      reader: 'rater_id',
      role: 'rater',
      live: `'assigned', 'submitted'`,
    },
    adjudication: {
      table: 'adjudication_tasks',
      reader: 'adjudicator_id',
      role: 'adjudicator',
      live: `'open', 'decided'`,
    },
  };

/** Which columns of photo_images hold a size's key and ETag. */
const SIZE_COLUMNS: Record<RenditionSize, { key: string; etag: string }> = {
  full: { key: 'full_key', etag: 'etag' },
  display: { key: 'display_key', etag: 'display_etag' },
  thumb: { key: 'thumb_key', etag: 'thumb_etag' },
};

/**
 * The whole check in one statement: the session is live and its user active (the conditions of
 * AuthRepository.principalBySession, which the guard runs), the user holds the route's role, the
 * task is theirs and live, and the set's image for the view is ready.
 */
function renditionSql(kind: BlindedTaskKind, size: RenditionSize): string {
  const task = TASKS[kind];
  const columns = SIZE_COLUMNS[size];
  return `SELECT i.${columns.key} AS key, i.${columns.etag} AS etag
            FROM sessions s
            JOIN users u ON u.id = s.user_id
            JOIN ${task.table} t ON t.${task.reader} = u.id
            JOIN photo_images i ON i.photo_set_id = t.photo_set_id
           WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.active
             AND '${task.role}' = ANY (u.roles)
             AND t.id = $2 AND t.status IN (${task.live})
             AND i.view = $3 AND i.status = 'ready' AND i.full_key IS NOT NULL`;
}

/**
 * Named statements: each pooled connection parses and plans them once, then only binds and
 * executes (this is the API's busiest query, four per set a rater opens).
 */
const STATEMENTS = Object.fromEntries(
  (Object.keys(TASKS) as BlindedTaskKind[]).map((kind) => [
    kind,
    Object.fromEntries(
      (Object.keys(SIZE_COLUMNS) as RenditionSize[]).map((size) => [
        size,
        { name: `blinded-image-${kind}-${size}`, text: renditionSql(kind, size) },
      ]),
    ),
  ]),
) as Record<BlindedTaskKind, Record<RenditionSize, { name: string; text: string }>>;

/** A rendition's storage key and its (unquoted) content ETag. */
export interface RenditionRef {
  key: string;
  etag: string;
}

@Injectable()
export class BlindedImagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * TypeORM's own pg pool, used directly: a query runner per request costs more than this query
   * does. pg-pool discards a connection whose query failed (a read timeout included), which is
   * what StalledConnectionSubscriber does for queries through TypeORM.
   */
  private pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /**
   * The rendition the holder of a session may see in this task, or null for anything else
   * (whatever the reason: the caller then learns nothing from this path).
   */
  async rendition(
    kind: BlindedTaskKind,
    sessionTokenHash: Buffer,
    taskId: string,
    view: View,
    size: RenditionSize,
  ): Promise<RenditionRef | null> {
    const statement = STATEMENTS[kind][size];
    const result = await this.pool().query<RenditionRef>({
      ...statement,
      values: [sessionTokenHash, taskId, view],
    });
    return result.rows[0] ?? null;
  }
}
