import { AuditAction } from '../audit/audit-action';
import { AuditEventInput, SYSTEM_ACTOR } from '../audit/audit.service';

/** The task a `read.assigned` event records. */
export interface AssignedTask {
  id: string;
  photoSetId: string;
  slot: number;
  raterId: string;
  readCode: string;
}

/**
 * The one shape of `read.assigned`: each task given to a rater gets its own event, whether live
 * assignment (with the study's pairing rule) or reader quality (with the task's kind) made it.
 */
export function readAssignedEvent(
  studyId: string,
  task: AssignedTask,
  detail: { pairing: string } | { kind: string },
): AuditEventInput {
  return {
    actor: SYSTEM_ACTOR,
    action: AuditAction.ReadAssigned,
    entityType: 'read-task',
    entityId: task.id,
    studyId,
    after: {
      photoSetId: task.photoSetId,
      readTaskId: task.id,
      slot: task.slot,
      raterId: task.raterId,
      readCode: task.readCode,
      ...detail,
    },
  };
}
