import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { ErrorBox } from '../components/ErrorBox';
import { Field } from '../components/Field';
import { VIEW_LABELS } from '../salt';
import { VIEWS, type View } from '../types';

type Files = Partial<Record<View, File>>;

const ACCEPT = 'image/jpeg,image/png,image/tiff,image/webp';

/** One photo set: subject, visit and four images, each dropped onto its own view. */
export function UploadPanel({ studyId }: { studyId: string }) {
  const queryClient = useQueryClient();
  const [subjectCode, setSubjectCode] = useState('');
  const [visit, setVisit] = useState('');
  const [visitDate, setVisitDate] = useState('');
  const [files, setFiles] = useState<Files>({});
  const [replace, setReplace] = useState(false);
  const [tried, setTried] = useState(false);
  const upload = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.set('subjectCode', subjectCode.trim());
      form.set('visit', visit.trim());
      if (visitDate) form.set('visitDate', visitDate);
      if (replace) form.set('replace', 'true');
      for (const view of VIEWS) form.set(view, files[view] as File);
      return api.uploadPhotoSet(studyId, form);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['study', studyId] });
      void queryClient.invalidateQueries({ queryKey: ['photo-sets', studyId] });
      setSubjectCode('');
      setVisit('');
      setVisitDate('');
      setFiles({});
      setReplace(false);
      setTried(false);
    },
  });
  const problems = {
    subjectCode: subjectCode.trim() ? null : 'Enter the subject code.',
    visit: visit.trim() ? null : 'Enter the visit label, e.g. Baseline or Week 12.',
    files: VIEWS.every((view) => files[view]) ? null : 'Add an image for each of the four views.',
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (Object.values(problems).some(Boolean)) return;
    upload.mutate();
  };
  return (
    <form
      className="stack upload-form"
      onSubmit={submit}
      noValidate
      aria-label="Upload a photo set"
    >
      <div className="grid-3">
        <Field id="upload-subject" label="Subject code" error={tried && problems.subjectCode}>
          {(control) => (
            <input
              {...control}
              value={subjectCode}
              onChange={(event) => setSubjectCode(event.target.value)}
            />
          )}
        </Field>
        <Field id="upload-visit" label="Visit" error={tried && problems.visit}>
          {(control) => (
            <input {...control} value={visit} onChange={(event) => setVisit(event.target.value)} />
          )}
        </Field>
        <Field id="upload-date" label="Visit date (optional)">
          {(control) => (
            <input
              {...control}
              type="date"
              value={visitDate}
              onChange={(event) => setVisitDate(event.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="drop-grid">
        {VIEWS.map((view) => (
          <DropZone
            key={view}
            view={view}
            file={files[view]}
            onFile={(file) => setFiles((current) => ({ ...current, [view]: file }))}
          />
        ))}
      </div>
      {tried && problems.files && <p className="field-error">{problems.files}</p>}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={replace}
          onChange={(event) => setReplace(event.target.checked)}
        />
        Replace the images of an existing set for this subject and visit (only before reading
        starts)
      </label>
      <ErrorBox error={upload.error} title="The photo set was not uploaded." />
      {upload.isSuccess && (
        <p className="notice success" role="status">
          Uploaded. The set is being processed; follow it under{' '}
          <Link to={`/studies/${studyId}/sets`}>Photo sets</Link>.
        </p>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Upload photo set'}
        </button>
      </div>
    </form>
  );
}

function DropZone({
  view,
  file,
  onFile,
}: {
  view: View;
  file?: File;
  onFile: (file: File) => void;
}) {
  const [over, setOver] = useState(false);
  const [preview, setPreview] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!file) {
      setPreview(null);
      if (input.current) input.current.value = '';
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const dropped = event.dataTransfer.files[0];
    if (!dropped) return;
    // Mirror the drop into the file field so it names the file too.
    if (input.current) input.current.files = event.dataTransfer.files;
    onFile(dropped);
  };
  const id = `upload-file-${view}`;
  return (
    <div
      className={`drop-zone${over ? ' over' : ''}${file ? ' filled' : ''}`}
      data-view={view}
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label htmlFor={id}>{VIEW_LABELS[view]} image</label>
      {preview ? (
        <img src={preview} alt={`Preview of the ${VIEW_LABELS[view]} image`} />
      ) : (
        <p className="hint">Drop the {view} view here, or choose a file</p>
      )}
      <input
        id={id}
        ref={input}
        type="file"
        accept={ACCEPT}
        onChange={(event) => {
          const chosen = event.target.files?.[0];
          if (chosen) onFile(chosen);
        }}
      />
      {file && <p className="file-name">{file.name}</p>}
    </div>
  );
}
