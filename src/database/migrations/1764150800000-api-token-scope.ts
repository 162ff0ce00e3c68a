import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API tokens get a scope: `read` (safe methods only) or `full`. Tokens issued before scopes
 * existed could do everything their owner can, so they become `full`.
 */
export class ApiTokenScope1764150800000 implements MigrationInterface {
  name = 'ApiTokenScope1764150800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE api_tokens
         ADD COLUMN scope text NOT NULL DEFAULT 'full' CHECK (scope IN ('read', 'full'))`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_tokens DROP COLUMN scope`);
  }
}
