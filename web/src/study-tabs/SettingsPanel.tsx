import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { Field } from '../components/Field';
import type { StudyDetail, StudySettings } from '../types';
import { SettingsFields, settingsProblems, settingsRequest } from './StudySettingsFields';
import { visitScheduleProblem } from './VisitScheduleFields';

/** Every property name in a JSON value, sorted. */
function keysOf(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => keysOf(item, keys));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      keys.add(key);
      keysOf(inner, keys);
    }
  }
  return keys;
}

/** Equal whatever order the keys come in: the server's answer need not keep the form's order. */
function sameSettings(a: StudySettings, b: StudySettings): boolean {
  const keys = [...keysOf([a, b])].sort();
  return JSON.stringify(a, keys) === JSON.stringify(b, keys);
}

/**
 * Title, charter and visit schedule; a change of charter or schedule needs a reason, which goes
 * into the audit trail.
 */
export function SettingsPanel({ study }: { study: StudyDetail }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(study.title);
  const [settings, setSettings] = useState<StudySettings>(study.settings);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const settingsChanged = !sameSettings(settings, study.settings);
  const save = useMutation({
    mutationFn: () =>
      api.updateStudy(study.id, {
        title: title.trim() !== study.title ? title.trim() : undefined,
        settings: settingsChanged ? settingsRequest(settings) : undefined,
        reason: reason.trim() || undefined,
      }),
    onSuccess: () => {
      setReason('');
      setTried(false);
      void queryClient.invalidateQueries({ queryKey: ['study', study.id] });
      void queryClient.invalidateQueries({ queryKey: ['studies'] });
    },
  });
  const problems = {
    title: title.trim() ? null : 'Give the study a title.',
    reason: settingsChanged && reason.trim().length < 3 ? 'Say why the charter changes.' : null,
    ...settingsProblems(settings),
    visits: visitScheduleProblem(settings.visits, study.settings.visits.length > 0),
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    save.reset();
    if (Object.values(problems).some(Boolean)) return;
    save.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label="Study settings">
      <Field id="settings-title" label="Title" error={tried && problems.title}>
        {(control) => (
          <input {...control} value={title} onChange={(event) => setTitle(event.target.value)} />
        )}
      </Field>
      <SettingsFields
        settings={settings}
        onChange={setSettings}
        showProblems={tried}
        savedSchedule={study.settings.visits.length > 0}
      />
      <Field
        id="settings-reason"
        label={`Reason for the change${settingsChanged ? ' (required)' : ''}`}
        error={tried && problems.reason}
      >
        {(control) => (
          <textarea
            {...control}
            rows={2}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        )}
      </Field>
      <ErrorBox error={save.error} />
      {save.isSuccess && (
        <p className="notice success" role="status">
          Saved.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save settings
        </button>
      </div>
    </form>
  );
}
