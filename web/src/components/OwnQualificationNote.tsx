import { useQueries, useQuery } from '@tanstack/react-query';
import { api } from '../api';
import type { components } from '../openapi-types';

type Own = components['schemas']['OwnQualificationDto'];

function describe(own: Own): string | null {
  if (own.suspended) return 'suspended: no new reads until an admin reinstates you';
  if (own.status === 'in-training') return 'in training: live reads start once you qualify';
  if (own.status === 'failed') return 'not qualified yet: an admin will review your reads';
  return null;
}

/**
 * The rater's own qualification state, per study where they are not (or no longer) simply
 * qualified. Only their own state: never a reference value, never another rater.
 */
export function OwnQualificationNote() {
  const studies = useQuery({ queryKey: ['studies'], queryFn: api.studies, staleTime: 60_000 });
  const mine = (studies.data ?? []).filter((study) => study.myRoles.includes('rater'));
  const states = useQueries({
    queries: mine.map((study) => ({
      queryKey: ['my-qualification', study.id],
      queryFn: () => api.myQualification(study.id),
      refetchInterval: 30_000,
    })),
  });
  const lines = mine.flatMap((study, index) => {
    const own = states[index]?.data;
    const text = own ? describe(own) : null;
    return text ? [{ id: study.id, text: `${study.code}: ${text}` }] : [];
  });
  if (lines.length === 0) return null;
  return (
    <ul className="plain-list notice rq-own" aria-label="My qualification">
      {lines.map((line) => (
        <li key={line.id}>{line.text}</li>
      ))}
    </ul>
  );
}
