import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../api';
import { ErrorBox, Loading } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { Pager, usePaged } from '../components/Pager';
import { useDocumentTitle } from '../hooks/use-document-title';
import { useSession } from '../session';
import {
  SettingsFields,
  DEFAULT_SETTINGS,
  settingsProblems,
  settingsRequest,
} from '../study-tabs/StudySettingsFields';
import type { StudySettings } from '../types';

export function StudiesPage() {
  const { has } = useSession();
  const studies = useQuery({ queryKey: ['studies'], queryFn: api.studies });
  const [filter, setFilter] = useState('');
  useDocumentTitle('Studies');
  const matching = (studies.data ?? []).filter((study) =>
    `${study.code} ${study.title}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const { rows, pager } = usePaged(matching, 20);
  return (
    <section className="page">
      <h1>Studies</h1>
      {has('admin') && <CreateStudy />}
      <div className="filters">
        <Field id="study-filter" label="Find a study" layout="inline">
          {(control) => (
            <input
              {...control}
              type="search"
              value={filter}
              onChange={(event) => setFilter(event.target.value)}
            />
          )}
        </Field>
      </div>
      {studies.isPending ? (
        <Loading what="studies" />
      ) : studies.error ? (
        <ErrorBox error={studies.error} />
      ) : matching.length === 0 ? (
        <p className="notice">No studies{filter ? ' match' : ' yet'}.</p>
      ) : (
        <>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Title</th>
                <th scope="col">My study roles</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((study) => (
                <tr key={study.id}>
                  <td>
                    <Link to={`/studies/${study.id}`}>{study.code}</Link>
                  </td>
                  <td>{study.title}</td>
                  <td>{study.myRoles.join(', ') || '—'}</td>
                  <td>{new Date(study.createdAt).toLocaleDateString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="Studies" {...pager} />
        </>
      )}
    </section>
  );
}

function CreateStudy() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [title, setTitle] = useState('');
  const [settings, setSettings] = useState<StudySettings>(DEFAULT_SETTINGS);
  const [tried, setTried] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api.createStudy({
        code: code.trim(),
        title: title.trim(),
        settings: settingsRequest(settings),
      }),
    onSuccess: (study) => {
      void queryClient.invalidateQueries({ queryKey: ['studies'] });
      void navigate(`/studies/${study.id}/members`);
    },
  });
  const problems = {
    code: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(code.trim())
      ? null
      : 'Use up to 64 letters, digits, dots, dashes or underscores.',
    title: title.trim() ? null : 'Give the study a title.',
    ...settingsProblems(settings),
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.values(problems).some(Boolean)) return;
    create.mutate();
  };
  if (!open) {
    return (
      <p>
        <button type="button" onClick={() => setOpen(true)}>
          New study…
        </button>
      </p>
    );
  }
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="New study">
      <h2>New study</h2>
      <div className="grid-2">
        <Field id="study-code" label="Study code" error={tried && problems.code}>
          {(control) => (
            <input {...control} value={code} onChange={(event) => setCode(event.target.value)} />
          )}
        </Field>
        <Field id="study-title" label="Title" error={tried && problems.title}>
          {(control) => (
            <input {...control} value={title} onChange={(event) => setTitle(event.target.value)} />
          )}
        </Field>
      </div>
      <SettingsFields settings={settings} onChange={setSettings} showProblems={tried} />
      <ErrorBox error={create.error} />
      <div className="actions">
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create study
        </button>
      </div>
    </form>
  );
}
