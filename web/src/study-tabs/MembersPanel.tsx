import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { RoleChecks } from '../components/RoleChecks';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { Pager, usePaged } from '../components/Pager';
import { STUDY_ROLES, type Member, type StudyRole } from '../types';

export function MembersPanel({ studyId }: { studyId: string }) {
  const queryClient = useQueryClient();
  const members = useQuery({ queryKey: ['members', studyId], queryFn: () => api.members(studyId) });
  const users = useQuery({ queryKey: ['users'], queryFn: api.users });
  const [userId, setUserId] = useState('');
  const [roles, setRoles] = useState<StudyRole[]>([]);
  const [tried, setTried] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['members', studyId] });
  const put = useMutation({
    mutationFn: (input: { userId: string; roles: StudyRole[] }) =>
      api.putMember(studyId, input.userId, input.roles),
    onSuccess: () => {
      setUserId('');
      setRoles([]);
      setTried(false);
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.removeMember(studyId, id),
    onSuccess: () => void refresh(),
  });
  const paged = usePaged(members.data ?? [], 25);
  const memberIds = new Set((members.data ?? []).map((member) => member.userId));
  const candidates = (users.data ?? []).filter((user) => user.active && !memberIds.has(user.id));
  const problems = {
    user: userId ? null : 'Choose a user.',
    roles: roles.length ? null : 'Give at least one study role.',
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (problems.user || problems.roles) return;
    put.mutate({ userId, roles });
  };
  return (
    <div className="stack">
      <form className="card stack" onSubmit={submit} noValidate aria-label="Add a member">
        <h2>Add a member</h2>
        <div className="grid-2">
          <Field id="member-user" label="User" error={tried && problems.user}>
            {(control) => (
              <select
                {...control}
                value={userId}
                onChange={(event) => setUserId(event.target.value)}
              >
                <option value="">Choose…</option>
                {candidates.map((user) => (
                  <option key={user.id} value={user.id}>
                    {user.name} ({user.email})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <fieldset
            aria-describedby={tried && problems.roles ? 'new-member-roles-error' : undefined}
          >
            <legend>Study roles</legend>
            <RoleChecks
              options={STUDY_ROLES}
              idPrefix="new-member"
              roles={roles}
              onChange={setRoles}
            />
            {tried && problems.roles && (
              <p id="new-member-roles-error" className="field-error">
                {problems.roles}
              </p>
            )}
          </fieldset>
        </div>
        <ErrorBox error={put.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={put.isPending}>
            Add member
          </button>
        </div>
      </form>
      <ErrorBox error={users.error} />
      <ErrorBox error={remove.error} />
      {members.isPending ? (
        <Loading what="members" />
      ) : members.error ? (
        <ErrorBox error={members.error} />
      ) : (
        <>
          <table className="data" aria-label="Members">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Study roles</th>
                <th scope="col">Account</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((member) => (
                <MemberRow
                  key={member.userId}
                  member={member}
                  busy={put.isPending || remove.isPending}
                  onRoles={(next) => put.mutate({ userId: member.userId, roles: next })}
                  onRemove={() => remove.mutate(member.userId)}
                />
              ))}
            </tbody>
          </table>
          <Pager label="Members" {...paged.pager} />
        </>
      )}
    </div>
  );
}

function MemberRow({
  member,
  busy,
  onRoles,
  onRemove,
}: {
  member: Member;
  busy: boolean;
  onRoles: (roles: StudyRole[]) => void;
  onRemove: () => void;
}) {
  return (
    <tr>
      <td>{member.name}</td>
      <td>{member.email}</td>
      <td>
        <RoleChecks
          options={STUDY_ROLES}
          idPrefix={`member-${member.userId}`}
          roles={member.roles}
          disabled={busy}
          onChange={(next) => next.length > 0 && onRoles(next)}
          owner={member.name}
        />
      </td>
      <td>{member.active ? 'active' : 'deactivated'}</td>
      <td>
        <button
          type="button"
          onClick={onRemove}
          disabled={busy}
          aria-label={`Remove ${member.name} from the study`}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
