import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { RoleChecks } from '../components/RoleChecks';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { Pager, usePaged } from '../components/Pager';
import { useDocumentTitle } from '../hooks/use-document-title';
import { GLOBAL_ROLES, type Role, type User } from '../types';

const MIN_PASSWORD = 12;

export function UsersPage() {
  const users = useQuery({ queryKey: ['users'], queryFn: api.users });
  const [filter, setFilter] = useState('');
  useDocumentTitle('Users');
  const matching = (users.data ?? []).filter((user) =>
    `${user.name} ${user.email} ${user.roles.join(' ')}`
      .toLowerCase()
      .includes(filter.trim().toLowerCase()),
  );
  const paged = usePaged(matching, 25);
  return (
    <section className="page">
      <h1>Users</h1>
      <CreateUser />
      <div className="filters">
        <Field id="user-filter" label="Find a user" layout="inline">
          {(control) => (
            <input
              {...control}
              type="search"
              value={filter}
              onChange={(event) => {
                setFilter(event.target.value);
                paged.reset();
              }}
            />
          )}
        </Field>
      </div>
      {users.isPending ? (
        <Loading what="users" />
      ) : users.error ? (
        <ErrorBox error={users.error} />
      ) : (
        <>
          <table className="data" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {paged.rows.map((user) => (
                <UserRow key={user.id} user={user} />
              ))}
            </tbody>
          </table>
          <Pager label="Users" {...paged.pager} />
        </>
      )}
    </section>
  );
}

function UserRow({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (body: { roles?: Role[]; active?: boolean }) => api.updateUser(user.id, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  return (
    <tr className={user.active ? '' : 'muted'}>
      <td>{user.name}</td>
      <td>{user.email}</td>
      <td>
        <RoleChecks
          options={GLOBAL_ROLES}
          idPrefix={`user-${user.id}`}
          owner={user.name}
          roles={user.roles}
          disabled={update.isPending}
          onChange={(roles) => update.mutate({ roles })}
        />
        <ErrorBox error={update.error} />
      </td>
      <td>
        {user.active ? 'active' : 'deactivated'}{' '}
        <button
          type="button"
          disabled={update.isPending}
          onClick={() => update.mutate({ active: !user.active })}
          aria-label={`${user.active ? 'Deactivate' : 'Reactivate'} ${user.name}`}
        >
          {user.active ? 'Deactivate' : 'Reactivate'}
        </button>
      </td>
    </tr>
  );
}

function CreateUser() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [tried, setTried] = useState(false);
  const create = useMutation({
    mutationFn: () => api.createUser({ name: name.trim(), email: email.trim(), password, roles }),
    onSuccess: () => {
      setName('');
      setEmail('');
      setPassword('');
      setRoles([]);
      setTried(false);
      void queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const problems = {
    name: name.trim() ? null : 'Enter the person’s name.',
    email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim()) ? null : 'Enter a valid email address.',
    password: password.length >= MIN_PASSWORD ? null : `Use at least ${MIN_PASSWORD} characters.`,
    roles: roles.length ? null : 'Choose at least one role.',
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    create.reset();
    if (Object.values(problems).some(Boolean)) return;
    create.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Create a user">
      <h2>Create a user</h2>
      <div className="grid-3">
        <Field id="new-user-name" label="Name" error={tried && problems.name}>
          {(control) => (
            <input
              {...control}
              autoComplete="off"
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
          )}
        </Field>
        <Field id="new-user-email" label="Email" error={tried && problems.email}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="off"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field
          id="new-user-password"
          label="Initial password"
          hint={`At least ${MIN_PASSWORD} characters.`}
          error={tried && problems.password}
        >
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
      </div>
      <fieldset aria-describedby={tried && problems.roles ? 'new-user-roles-error' : undefined}>
        <legend>Roles</legend>
        <RoleChecks
          options={GLOBAL_ROLES}
          idPrefix="new-user-role"
          roles={roles}
          onChange={setRoles}
        />
        {tried && problems.roles && (
          <p id="new-user-roles-error" className="field-error">
            {problems.roles}
          </p>
        )}
      </fieldset>
      <ErrorBox error={create.error} title="The user was not created." />
      {create.isSuccess && (
        <p className="notice success" role="status">
          Created {create.data.email}.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={create.isPending}>
          Create user
        </button>
      </div>
    </form>
  );
}
