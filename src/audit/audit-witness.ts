import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Checkpoint } from './audit-checkpoint';

/** Checkpoints waiting for a witness that is down; beyond this the oldest are dropped. */
const MAX_PENDING = 1000;
const RETRY_MS = [1000, 2000, 5000, 10_000, 30_000];
const POST_TIMEOUT_MS = 5000;

/**
 * Hands each signed checkpoint to the optional witnesses outside the database: a directory
 * (AUDIT_WITNESS_DIR, one <treeSize>.json per checkpoint) and a URL (AUDIT_WITNESS_URL, POSTed as
 * JSON). A checkpoint held outside is what shows a later rewrite, even by a superuser. Failures
 * are logged and retried in the background; sealing never waits for a witness.
 */
@Injectable()
export class AuditWitness implements OnModuleDestroy {
  private readonly logger = new Logger(AuditWitness.name);
  private readonly pending: Checkpoint[] = [];
  private draining = false;
  private attempt = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  publish(checkpoint: Checkpoint): void {
    if (this.closed || (!this.config.audit.witnessDir && !this.config.audit.witnessUrl)) return;
    this.pending.push(checkpoint);
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.shift();
      this.logger.error(`Witness backlog full: checkpoint ${dropped?.treeSize} was not delivered`);
    }
    if (!this.timer) void this.drain();
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.length > 0 && !this.closed) {
        const checkpoint = this.pending[0];
        try {
          await this.deliver(checkpoint);
          this.pending.shift();
          this.attempt = 0;
        } catch (error) {
          const wait = RETRY_MS[Math.min(this.attempt++, RETRY_MS.length - 1)];
          this.logger.warn(
            `Witness did not take checkpoint ${checkpoint.treeSize} (${(error as Error).message}); ` +
              `retrying in ${wait} ms`,
          );
          this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.drain();
          }, wait);
          this.timer.unref();
          return;
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async deliver(checkpoint: Checkpoint): Promise<void> {
    const json = JSON.stringify(checkpoint) + '\n';
    const { witnessDir, witnessUrl } = this.config.audit;
    if (witnessDir) {
      await mkdir(witnessDir, { recursive: true });
      const file = join(witnessDir, `${checkpoint.treeSize}.json`);
      await writeFile(`${file}.tmp`, json);
      await rename(`${file}.tmp`, file);
    }
    if (witnessUrl) {
      const response = await fetch(witnessUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: json,
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    }
  }
}
