import { useRef, useState } from 'react';
import { Field } from '../components/Field';
import type { ScheduledVisit } from '../types';

// The server's rules for a visit label and a planned day (studies/study-settings.ts, the DTO).
const VISIT_LABEL = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
const DAY = /^-?\d{1,5}$/;
const FIRST_DAY = -3650;
const LAST_DAY = 36500;

export interface VisitProblems {
  /** Per visit, in schedule order: what is wrong with its label and its planned day. */
  rows: { label: string | null; plannedDay: string | null }[];
  /** What is wrong with the schedule as a whole (the baseline, the order of days). */
  schedule: string | null;
}

/**
 * What is wrong with a schedule, per field, before anything is sent. `saved` is true when the
 * study already has a schedule: it can be changed but not emptied.
 */
export function visitProblems(visits: ScheduledVisit[], saved = false): VisitProblems {
  const seen = new Set<string>();
  const rows = visits.map(({ label, plannedDay }) => {
    const duplicate = seen.has(label);
    seen.add(label);
    return {
      label: !VISIT_LABEL.test(label)
        ? 'Use 1–64 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit.'
        : duplicate
          ? 'This label is already in the schedule.'
          : null,
      plannedDay:
        plannedDay === null ||
        (Number.isInteger(plannedDay) && plannedDay >= FIRST_DAY && plannedDay <= LAST_DAY)
          ? null
          : `Enter a whole number of days from ${FIRST_DAY} to ${LAST_DAY}, or leave it empty.`,
    };
  });
  const baselines = visits.filter((visit) => visit.baseline).length;
  const days = visits.flatMap((visit) => (visit.plannedDay === null ? [] : [visit.plannedDay]));
  const schedule =
    saved && visits.length === 0
      ? 'Keep at least one visit: a saved schedule can be changed but not removed.'
      : visits.length > 0 && baselines !== 1
        ? 'Mark exactly one visit as the baseline.'
        : days.some((day, index) => index > 0 && days[index - 1] >= day)
          ? 'Planned days must increase down the schedule: list the visits in the order they happen.'
          : null;
  return { rows, schedule };
}

/** The first problem of a schedule, or null: what blocks saving. */
export function visitScheduleProblem(visits: ScheduledVisit[], saved = false): string | null {
  const { rows, schedule } = visitProblems(visits, saved);
  const row = rows.find((problems) => problems.label ?? problems.plannedDay);
  return row ? (row.label ?? row.plannedDay) : schedule;
}

interface Row {
  /** React's key: a visit keeps its inputs while it moves up or down. */
  key: number;
  label: string;
  dayText: string;
  baseline: boolean;
}

function toVisit(row: Row): ScheduledVisit {
  const day = row.dayText.trim();
  return {
    label: row.label.trim(),
    // An unreadable day becomes NaN, which visitProblems reports at that field.
    plannedDay: day === '' ? null : DAY.test(day) ? Number(day) : NaN,
    baseline: row.baseline,
  };
}

interface VisitScheduleFieldsProps {
  visits: ScheduledVisit[];
  onChange: (visits: ScheduledVisit[]) => void;
  showProblems: boolean;
  /** The study already has a schedule (see visitProblems). */
  saved?: boolean;
}

/**
 * The study's visit schedule: the visits in the order they happen, each with its planned study
 * day, and the one baseline that change from baseline and SALT50/75/90 are measured against.
 */
export function VisitScheduleFields({
  visits,
  onChange,
  showProblems,
  saved = false,
}: VisitScheduleFieldsProps) {
  const nextKey = useRef(visits.length);
  const [rows, setRows] = useState<Row[]>(() =>
    visits.map((visit, index) => ({
      key: index,
      label: visit.label,
      dayText: visit.plannedDay === null ? '' : String(visit.plannedDay),
      baseline: visit.baseline,
    })),
  );
  const update = (next: Row[]) => {
    setRows(next);
    onChange(next.map(toVisit));
  };
  const edit = (index: number, change: Partial<Row>) =>
    update(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));
  const move = (index: number, by: -1 | 1) => {
    const next = [...rows];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    update(next);
  };
  const add = () =>
    update([
      ...rows,
      { key: nextKey.current++, label: '', dayText: '', baseline: rows.length === 0 },
    ]);
  const problems = visitProblems(rows.map(toVisit), saved);
  return (
    <fieldset className="visit-schedule">
      <legend>Visit schedule</legend>
      <p className="hint">
        {rows.length === 0
          ? 'No schedule yet: uploads accept any visit label, and endpoints take the labels in the order they were first uploaded, the first as baseline.'
          : 'Uploads and ZIP imports accept only these visits. A visit that already has photo sets cannot be removed.'}
      </p>
      {rows.length > 0 && (
        <ol className="visit-rows">
          {rows.map((row, index) => {
            const n = index + 1;
            const rowProblems = problems.rows[index];
            return (
              <li key={row.key} className="visit-row">
                {/* A flex item shows no list marker; the fields' labels name the number. */}
                <span className="visit-number" aria-hidden="true">
                  {n}.
                </span>
                <Field
                  id={`visit-${row.key}-label`}
                  label={
                    <>
                      <span className="sr-only">Visit {n} </span>Label
                    </>
                  }
                  error={showProblems && rowProblems.label}
                >
                  {(control) => (
                    <input
                      {...control}
                      value={row.label}
                      onChange={(event) => edit(index, { label: event.target.value })}
                    />
                  )}
                </Field>
                <Field
                  id={`visit-${row.key}-day`}
                  label={
                    <>
                      <span className="sr-only">Visit {n} </span>Planned study day
                    </>
                  }
                  error={showProblems && rowProblems.plannedDay}
                >
                  {(control) => (
                    <input
                      {...control}
                      inputMode="numeric"
                      value={row.dayText}
                      onChange={(event) => edit(index, { dayText: event.target.value })}
                    />
                  )}
                </Field>
                <label className="checkbox baseline-choice">
                  <input
                    type="radio"
                    name="baseline-visit"
                    checked={row.baseline}
                    onChange={() =>
                      update(rows.map((other, at) => ({ ...other, baseline: at === index })))
                    }
                  />
                  Baseline<span className="sr-only"> is visit {n}</span>
                </label>
                <div className="visit-actions">
                  <button type="button" disabled={index === 0} onClick={() => move(index, -1)}>
                    Up<span className="sr-only"> (visit {n})</span>
                  </button>
                  <button
                    type="button"
                    disabled={index === rows.length - 1}
                    onClick={() => move(index, 1)}
                  >
                    Down<span className="sr-only"> (visit {n})</span>
                  </button>
                  <button
                    type="button"
                    onClick={() => update(rows.filter((_, at) => at !== index))}
                  >
                    Remove<span className="sr-only"> visit {n}</span>
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {showProblems && problems.schedule && <p className="field-error">{problems.schedule}</p>}
      <div className="actions start">
        <button type="button" onClick={add}>
          Add visit
        </button>
      </div>
    </fieldset>
  );
}
