import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ReasonDialog } from '../components/ReasonDialog';
import { formatSalt } from '../salt';
import { signatureText } from '../signature-text';
import type { ResultRow } from '../types';

type ResultRead = NonNullable<ResultRow['readA']>;

/**
 * One read of a results row: SALT, rater, version and signature; an admin may reopen it for a
 * correction (with a reason): the rater finds it back in their queue and signs the new version
 * "Corrected"; the earlier version stays in the audit trail.
 */
export function ResultReadCell({
  read,
  label,
  studyId,
  canReopen,
}: {
  read: ResultRead | null;
  label: string;
  studyId: string;
  canReopen: boolean;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const reopen = useMutation({
    mutationFn: (reason: string) => api.reopenRead(read?.readTaskId ?? '', reason),
    onSuccess: () => {
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: ['results', studyId] });
    },
  });
  if (!read) return <>{formatSalt(null)}</>;
  return (
    <>
      {formatSalt(read.salt)}
      <span className="rater">{read.raterName}</span>
      {read.version > 1 && <span className="rater">corrected (version {read.version})</span>}
      <span className="rater signature-line">{signatureText(read.signature)}</span>
      {canReopen && (
        <button
          type="button"
          className="link"
          onClick={() => {
            reopen.reset();
            setOpen(true);
          }}
        >
          Reopen {label}…
        </button>
      )}
      <ReasonDialog
        open={open}
        title={`Reopen ${label} by ${read.raterName} for a correction?`}
        description={
          'The rater finds the read back in their queue and submits a corrected version, signed ' +
          '"Corrected". The pair is evaluated again; the earlier version stays in the audit trail.'
        }
        confirmLabel="Reopen read"
        busy={reopen.isPending}
        error={reopen.error}
        onConfirm={(reason) => reopen.mutate(reason)}
        onCancel={() => setOpen(false)}
      />
    </>
  );
}
