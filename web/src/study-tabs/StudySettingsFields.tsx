import { useState } from 'react';
import { Field } from '../components/Field';
import type { CreateStudy, StudySettings } from '../types';
import { VisitScheduleFields, visitScheduleProblem } from './VisitScheduleFields';

export const DEFAULT_SETTINGS: StudySettings = {
  maxDifference: 10,
  thresholds: [20],
  pairing: 'per-subject',
  adjudication: 'select-or-own',
  visits: [],
  // The server's defaults (study-settings.ts DEFAULT_READER_QUALITY): today's behaviour.
  readerQuality: {
    qualificationSetCount: 0,
    passMaxMeanAbsError: 5,
    passMinWithinPercent: 80,
    trainingFeedback: false,
    rereadShare: 0,
    washoutDays: 14,
    washoutReads: 20,
  },
  signatureEverySigning: false,
};

/**
 * Settings as a request sends them. An empty schedule means "none yet" and is left out: the
 * server accepts a schedule only with at least one visit.
 */
export function settingsRequest({
  visits,
  ...rest
}: StudySettings): NonNullable<CreateStudy['settings']> {
  return visits.length > 0 ? { ...rest, visits } : rest;
}

const ONE_DECIMAL = /^\d{1,3}(\.\d)?$/;
const THRESHOLDS_PROBLEM =
  'Enter SALT values from 0 to 100 (one decimal at most), separated by commas.';

export function parseThresholds(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (!parts.every((part) => ONE_DECIMAL.test(part))) return null;
  return parts.map(Number);
}

export function settingsProblems(settings: StudySettings): {
  maxDifference: string | null;
  thresholds: string | null;
  visits: string | null;
} {
  const { maxDifference, thresholds, visits } = settings;
  return {
    maxDifference:
      Number.isFinite(maxDifference) &&
      maxDifference >= 0 &&
      maxDifference <= 100 &&
      ONE_DECIMAL.test(String(maxDifference))
        ? null
        : 'Enter a number of SALT points from 0 to 100, with at most one decimal.',
    thresholds: !thresholds.every((value) => Number.isFinite(value) && value >= 0 && value <= 100)
      ? THRESHOLDS_PROBLEM
      : thresholds.some((value, index) => index > 0 && thresholds[index - 1] >= value)
        ? 'List the thresholds in ascending order, without repeats.'
        : null,
    visits: visitScheduleProblem(visits),
  };
}

interface SettingsFieldsProps {
  settings: StudySettings;
  onChange: (settings: StudySettings) => void;
  showProblems: boolean;
  disabled?: boolean;
  /** The study already has a visit schedule, which may change but not be emptied. */
  savedSchedule?: boolean;
}

/**
 * The study's imaging charter: discordance rule, thresholds, pairing and adjudication mode, and
 * the visit schedule.
 */
export function SettingsFields({
  settings,
  onChange,
  showProblems,
  disabled,
  savedSchedule = false,
}: SettingsFieldsProps) {
  const [thresholdText, setThresholdText] = useState(settings.thresholds.join(', '));
  const [maxText, setMaxText] = useState(String(settings.maxDifference));
  const problems = settingsProblems(settings);
  const thresholdsBad = parseThresholds(thresholdText) === null;
  return (
    <fieldset className="settings" disabled={disabled}>
      <legend>Charter settings</legend>
      <div className="grid-2">
        <Field
          id="settings-max"
          label="Discordant when |A − B| exceeds (SALT points)"
          error={showProblems && problems.maxDifference}
        >
          {(control) => (
            <input
              {...control}
              inputMode="decimal"
              value={maxText}
              onChange={(event) => {
                setMaxText(event.target.value);
                onChange({
                  ...settings,
                  maxDifference:
                    event.target.value.trim() === '' ? NaN : Number(event.target.value),
                });
              }}
            />
          )}
        </Field>
        <Field
          id="settings-thresholds"
          label="Thresholds (discordant across any of them)"
          error={showProblems && (problems.thresholds ?? (thresholdsBad && THRESHOLDS_PROBLEM))}
        >
          {(control) => (
            <input
              {...control}
              value={thresholdText}
              onChange={(event) => {
                setThresholdText(event.target.value);
                onChange({ ...settings, thresholds: parseThresholds(event.target.value) ?? [NaN] });
              }}
            />
          )}
        </Field>
        <Field id="settings-pairing" label="Rater pairing">
          {(control) => (
            <select
              {...control}
              value={settings.pairing}
              onChange={(event) =>
                onChange({ ...settings, pairing: event.target.value as StudySettings['pairing'] })
              }
            >
              <option value="per-subject">
                Per subject (same pair for all of a subject’s visits)
              </option>
              <option value="per-set">Per set (two least-loaded raters each time)</option>
            </select>
          )}
        </Field>
        <Field id="settings-adjudication" label="Adjudication">
          {(control) => (
            <select
              {...control}
              value={settings.adjudication}
              onChange={(event) =>
                onChange({
                  ...settings,
                  adjudication: event.target.value as StudySettings['adjudication'],
                })
              }
            >
              <option value="select-or-own">Choose A or B, or give an own read</option>
              <option value="select">Choose A or B only</option>
            </select>
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.signatureEverySigning}
            onChange={(event) =>
              onChange({ ...settings, signatureEverySigning: event.target.checked })
            }
          />{' '}
          Signers re-enter their password at every signing (not only the first of a session)
        </label>
      </div>
      <VisitScheduleFields
        visits={settings.visits}
        onChange={(visits) => onChange({ ...settings, visits })}
        showProblems={showProblems}
        saved={savedSchedule}
      />
    </fieldset>
  );
}
