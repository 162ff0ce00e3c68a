import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { formatUtc } from '../signature-text';
import { ReasonDialog } from './ReasonDialog';

/**
 * The study lock (data freeze for analysis): a banner while locked, and for admins the buttons
 * to lock or unlock it, each with a reason.
 */
export function StudyLockBanner({ studyId, canChange }: { studyId: string; canChange: boolean }) {
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'lock' | 'unlock' | null>(null);
  const lock = useQuery({
    queryKey: ['study-lock', studyId],
    queryFn: () => api.studyLock(studyId),
  });
  const change = useMutation({
    mutationFn: (reason: string) =>
      dialog === 'unlock' ? api.unlockStudy(studyId, reason) : api.lockStudy(studyId, reason),
    onSuccess: (view) => {
      queryClient.setQueryData(['study-lock', studyId], view);
      setDialog(null);
    },
  });
  if (!lock.data) return null;
  const locked = lock.data.locked;
  return (
    <>
      {locked && (
        <div className="lock-banner" role="status">
          <strong>Locked for analysis</strong> since {formatUtc(lock.data.lockedAt)} by{' '}
          {lock.data.lockedBy}: {lock.data.reason}. No uploads, imports, reads, decisions, queries,
          corrections or membership changes until it is unlocked.
        </div>
      )}
      {canChange && (
        <p className="lock-actions">
          <button
            type="button"
            onClick={() => {
              change.reset();
              setDialog(locked ? 'unlock' : 'lock');
            }}
          >
            {locked ? 'Unlock study…' : 'Lock study…'}
          </button>
        </p>
      )}
      <ReasonDialog
        open={dialog !== null}
        title={dialog === 'unlock' ? 'Unlock the study?' : 'Lock the study for analysis?'}
        description={
          dialog === 'unlock'
            ? 'Uploads, reads, decisions and the other writes are allowed again.'
            : 'While locked, uploads, imports, reads, decisions, queries, corrections and ' +
              "membership changes are refused. Exports carry the lock time and the audit log's head."
        }
        confirmLabel={dialog === 'unlock' ? 'Unlock' : 'Lock'}
        busy={change.isPending}
        error={change.error}
        onConfirm={(reason) => change.mutate(reason)}
        onCancel={() => setDialog(null)}
      />
    </>
  );
}
