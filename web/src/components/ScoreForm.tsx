import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { computeSalt, formatSalt, regionProblem, VIEW_LABELS } from '../salt';
import { VIEWS, type ImageUrls, type PartialRegions, type Regions, type View } from '../types';
import { ImageViewer } from './ImageViewer';
import { ScalpDiagram } from './ScalpDiagram';

export type RegionInputs = Record<View, string>;

export const EMPTY_INPUTS: RegionInputs = { top: '', back: '', left: '', right: '' };

export function inputsFrom(regions: PartialRegions | null | undefined): RegionInputs {
  const inputs = { ...EMPTY_INPUTS };
  for (const view of VIEWS) {
    const value = regions?.[view];
    if (value !== undefined && value !== null) inputs[view] = String(value);
  }
  return inputs;
}

/** The values that are valid so far: what a draft may hold. */
export function validRegions(inputs: RegionInputs): PartialRegions {
  const regions: PartialRegions = {};
  for (const view of VIEWS) {
    if (regionProblem(inputs[view]) === null) regions[view] = Number(inputs[view]);
  }
  return regions;
}

export function completeRegions(inputs: RegionInputs): Regions | null {
  const regions = validRegions(inputs);
  return VIEWS.every((view) => regions[view] !== undefined) ? (regions as Regions) : null;
}

function step(raw: string, delta: number): string {
  const current = regionProblem(raw) === null ? Number(raw) : 0;
  const next = Math.min(100, Math.max(0, Math.round((current + delta) * 10) / 10));
  return String(next);
}

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLTextAreaElement) return true;
  if (!(target instanceof HTMLInputElement)) return target.isContentEditable;
  return !['range', 'checkbox', 'radio', 'button', 'submit'].includes(target.type);
}

interface ScoreFormProps {
  /** Distinguishes input ids when two forms could share a page. */
  idPrefix: string;
  images: ImageUrls;
  inputs: RegionInputs;
  onChange: (inputs: RegionInputs) => void;
  /** Called by Enter or the submit button once all four values are valid. */
  onSubmit: (regions: Regions) => void;
  submitLabel: string;
  disabled?: boolean;
  /** Shown next to each view's input, e.g. Read A and Read B for the adjudicator. */
  extraPerView?: (view: View) => ReactNode;
  /** Global 1–4 shortcuts are off while another form owns the keyboard. */
  shortcuts?: boolean;
  /** The views' heading level: one below the heading the form sits under (default 3). */
  headingLevel?: 2 | 3;
}

/**
 * The four views with a percent-loss field and slider each, and the live SALT. Keyboard: 1–4 (or
 * Alt+1–4 from inside a field) focus a view, ↑/↓ step ±1, Shift ±10, Enter submits, Esc leaves
 * a field so the digit shortcuts work again.
 */
export function ScoreForm(props: ScoreFormProps) {
  const { idPrefix, images, inputs, onChange, onSubmit, disabled } = props;
  const [touched, setTouched] = useState<Partial<Record<View, boolean>>>({});
  const [showAll, setShowAll] = useState(false);
  const [enlarged, setEnlarged] = useState<View | null>(null);
  const [focused, setFocused] = useState<View | null>(null);
  const fields = useRef<Partial<Record<View, HTMLInputElement | null>>>({});
  const form = useRef<HTMLFormElement>(null);
  const shortcuts = props.shortcuts ?? true;
  const ViewHeading = props.headingLevel === 2 ? 'h2' : 'h3';

  const focusView = (view: View) => {
    const field = fields.current[view];
    if (!field) return;
    field.focus();
    field.select();
  };

  useEffect(() => {
    if (!shortcuts || disabled) return;
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      const index = ['1', '2', '3', '4'].indexOf(event.key);
      if (index < 0 || event.ctrlKey || event.metaKey) return;
      if (isTextEntry(event.target) && !event.altKey) return;
      event.preventDefault();
      focusView(VIEWS[index]);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [shortcuts, disabled]);

  const set = (view: View, value: string) => onChange({ ...inputs, [view]: value });

  const onFieldKey = (view: View, event: KeyboardEvent<HTMLInputElement>) => {
    const delta = event.shiftKey ? 10 : 1;
    const isRange = event.currentTarget.type === 'range';
    if (event.key === 'ArrowUp' || (isRange && event.key === 'ArrowRight')) {
      set(view, step(inputs[view], delta));
    } else if (event.key === 'ArrowDown' || (isRange && event.key === 'ArrowLeft')) {
      set(view, step(inputs[view], -delta));
    } else if (event.key === 'Escape') {
      form.current?.focus();
    } else {
      return;
    }
    event.preventDefault();
  };

  const trySubmit = () => {
    setShowAll(true);
    const regions = completeRegions(inputs);
    if (!regions) {
      const firstBad = VIEWS.find((view) => regionProblem(inputs[view]) !== null);
      if (firstBad) focusView(firstBad);
      return;
    }
    onSubmit(regions);
  };

  const complete = completeRegions(inputs);
  const partial = validRegions(inputs);
  return (
    <form
      ref={form}
      className="score-form"
      tabIndex={-1}
      aria-label="Percent hair loss per view"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        trySubmit();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Enter' || event.shiftKey) return;
        const target = event.target as HTMLElement;
        if (target instanceof HTMLButtonElement || target instanceof HTMLTextAreaElement) return;
        if (target instanceof HTMLAnchorElement || target.closest('dialog')) return;
        // Handled here (not by implicit submission) so the same Enter cannot also confirm.
        event.preventDefault();
        trySubmit();
      }}
    >
      <div className="views-grid">
        {VIEWS.map((view, index) => {
          const problem = regionProblem(inputs[view]);
          const showProblem = problem !== null && (touched[view] || showAll);
          const id = `${idPrefix}-${view}`;
          return (
            <section
              key={view}
              className={`view-card${focused === view ? ' active' : ''}`}
              aria-labelledby={`${id}-heading`}
            >
              <ViewHeading id={`${id}-heading`}>
                <kbd>{index + 1}</kbd> {VIEW_LABELS[view]}
              </ViewHeading>
              <button
                type="button"
                className="view-thumb"
                onClick={() => setEnlarged(view)}
                aria-label={`Open ${VIEW_LABELS[view]} view large`}
              >
                <img src={images[view].display} alt={`${VIEW_LABELS[view]} view`} />
              </button>
              <div className="view-input">
                <label htmlFor={id}>{VIEW_LABELS[view]} – % loss</label>
                <div className="input-row">
                  <input
                    id={id}
                    ref={(element) => {
                      fields.current[view] = element;
                    }}
                    type="text"
                    inputMode="decimal"
                    autoComplete="off"
                    className="number"
                    value={inputs[view]}
                    disabled={disabled}
                    aria-invalid={showProblem}
                    aria-describedby={showProblem ? `${id}-error` : undefined}
                    onChange={(event) => set(view, event.target.value.replace(',', '.'))}
                    onKeyDown={(event) => onFieldKey(view, event)}
                    onFocus={() => setFocused(view)}
                    onBlur={() => {
                      setTouched((t) => ({ ...t, [view]: true }));
                      setFocused(null);
                    }}
                  />
                  <span aria-hidden="true">%</span>
                  <input
                    type="range"
                    min={0}
                    max={100}
                    step={0.1}
                    aria-label={`${VIEW_LABELS[view]} – % loss slider`}
                    value={partial[view] ?? 0}
                    disabled={disabled}
                    tabIndex={-1}
                    onChange={(event) => set(view, String(Number(event.target.value)))}
                    onKeyDown={(event) => onFieldKey(view, event)}
                  />
                </div>
                {showProblem && (
                  <p id={`${id}-error`} className="field-error">
                    {problem}
                  </p>
                )}
                {props.extraPerView?.(view)}
              </div>
            </section>
          );
        })}
      </div>
      <aside className="score-side">
        <ScalpDiagram active={focused} />
        <div className="live-salt" aria-live="polite">
          <span className="label">SALT</span>
          <output className="value" data-testid="live-salt">
            {complete ? formatSalt(computeSalt(complete)) : '—'}
          </output>
          {!complete && <span className="hint">Enter all four views</span>}
        </div>
        <button type="submit" className="primary" disabled={disabled}>
          {props.submitLabel}
        </button>
        <p className="hint keys">
          <kbd>1</kbd>–<kbd>4</kbd> view · <kbd>↑</kbd>/<kbd>↓</kbd> ±1 · <kbd>Shift</kbd> ±10 ·{' '}
          <kbd>Enter</kbd> submit · <kbd>Esc</kbd> leave field
        </p>
      </aside>
      <ImageViewer
        src={enlarged ? images[enlarged].full : null}
        label={enlarged ? VIEW_LABELS[enlarged] : ''}
        onClose={() => setEnlarged(null)}
      />
    </form>
  );
}
