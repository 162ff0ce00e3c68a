import { applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi';

/** The OpenAPI extension that lists an operation among those a study lock refuses. */
export const REFUSED_WHILE_LOCKED = 'x-salt-refused-while-locked';

/**
 * Marks a write that a locked study refuses with 409 (uploads, imports, reads, decisions,
 * queries, corrections, membership). The refusal itself happens inside the write's transaction:
 * `StudyLockService.assertOpen(tx, …)`, or for score submission the same check folded into its
 * own statements (`studyWriteLockSql` and `studyOpenSql`). The writer holds the study's write
 * lock shared and locking takes it exclusive, so a lock cannot slip in between check and commit.
 * This mark declares the 409 and lists the operation in the document, where the study-lock test
 * finds every one of them.
 */
export const RefusedWhileLocked = (): MethodDecorator =>
  applyDecorators(ApiErrors(409), ApiExtension(REFUSED_WHILE_LOCKED, true));
