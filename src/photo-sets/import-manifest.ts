import { parse } from 'csv-parse/sync';
import { isIsoDate, SUBJECT_CODE_PATTERN, VISIT_PATTERN } from './dto/photo-set.dto';
import { ImportProblem } from './import.entity';
import { View, VIEWS } from './photo-set.entity';

export const MANIFEST_NAME = 'manifest.csv';
export const MANIFEST_COLUMNS = ['subject_code', 'visit', 'visit_date', 'view', 'file'] as const;

export interface PlannedImage {
  view: View;
  file: string;
  row: number;
}

export interface PlannedSet {
  subjectCode: string;
  visit: string;
  visitDate: string | null;
  /** Manifest row of the set's first image, for problems about the set as a whole. */
  row: number;
  images: PlannedImage[];
}

export interface ImportPlan {
  sets: PlannedSet[];
  problems: ImportProblem[];
}

type Row = Record<(typeof MANIFEST_COLUMNS)[number], string>;

function normalizePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

/**
 * Checks the manifest against the archive's files and builds the sets it describes. Rows are
 * numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2; row 0
 * means the archive as a whole. Every problem is listed, not just the first.
 */
export function planImport(manifest: Buffer | undefined, archiveFiles: string[]): ImportPlan {
  const problems: ImportProblem[] = [];
  if (!manifest) {
    return {
      sets: [],
      problems: [{ row: 0, reason: `${MANIFEST_NAME} is missing from the archive` }],
    };
  }
  let records: { record: Row; info: { lines: number } }[];
  try {
    records = parse<{ record: Row; info: { lines: number } }>(manifest, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return {
      sets: [],
      problems: [
        { row: line, reason: `${MANIFEST_NAME} is not valid CSV (${(error as Error).message})` },
      ],
    };
  }
  const firstKeys = records[0] ? Object.keys(records[0].record) : [];
  const missingColumns = MANIFEST_COLUMNS.filter((column) => !firstKeys.includes(column));
  if (!records.length) {
    return { sets: [], problems: [{ row: 1, reason: `${MANIFEST_NAME} lists no images` }] };
  }
  if (missingColumns.length) {
    return {
      sets: [],
      problems: [
        { row: 1, reason: `${MANIFEST_NAME} lacks the column(s) ${missingColumns.join(', ')}` },
      ],
    };
  }

  const inArchive = new Set(archiveFiles.filter((name) => name !== MANIFEST_NAME));
  const listed = new Map<string, number>();
  const sets = new Map<string, PlannedSet & { invalidViews: boolean; dates: Set<string> }>();
  const seenView = new Map<string, number>();

  for (const { record, info } of records) {
    const row = info.lines;
    const problem = (reason: string): void => {
      problems.push({ row, reason });
    };
    const subjectCode = record.subject_code ?? '';
    const visit = record.visit ?? '';
    const visitDate = record.visit_date ?? '';
    const view = (record.view ?? '').toLowerCase();
    const file = normalizePath(record.file ?? '');
    let usable = true;
    if (!SUBJECT_CODE_PATTERN.test(subjectCode)) {
      problem(`subject_code "${subjectCode}" is not valid (letters, digits, . _ -)`);
      usable = false;
    }
    if (!VISIT_PATTERN.test(visit)) {
      problem(`visit "${visit}" is not valid (letters, digits, spaces, . _ -)`);
      usable = false;
    }
    if (visitDate && !isIsoDate(visitDate)) {
      problem(`visit_date "${visitDate}" is not a real date written YYYY-MM-DD`);
    }
    const knownView = (VIEWS as readonly string[]).includes(view);
    if (!knownView) problem(`view "${record.view}" is unknown; use ${VIEWS.join(', ')}`);
    if (!file) problem('file is empty');
    else if (!inArchive.has(file)) problem(`file ${file} is not in the archive`);
    else if (listed.has(file)) problem(`file ${file} is already listed on row ${listed.get(file)}`);
    if (file && !listed.has(file)) listed.set(file, row);
    if (!usable) continue;

    const setKey = JSON.stringify([subjectCode, visit]);
    let set = sets.get(setKey);
    if (!set) {
      set = {
        subjectCode,
        visit,
        visitDate: null,
        row,
        images: [],
        invalidViews: false,
        dates: new Set(),
      };
      sets.set(setKey, set);
    }
    // Blank and invalid dates (the latter already reported) do not count as disagreeing.
    if (visitDate && isIsoDate(visitDate)) {
      set.dates.add(visitDate);
      set.visitDate = visitDate;
    }
    if (!knownView) {
      set.invalidViews = true;
      continue;
    }
    const viewKey = JSON.stringify([subjectCode, visit, view]);
    const earlier = seenView.get(viewKey);
    if (earlier !== undefined) {
      problem(
        `duplicate: subject ${subjectCode} visit ${visit} view ${view} is already on row ${earlier}`,
      );
      continue;
    }
    seenView.set(viewKey, row);
    set.images.push({ view: view as View, file, row });
  }

  for (const set of sets.values()) {
    if (set.dates.size > 1) {
      problems.push({
        row: set.row,
        reason: `subject ${set.subjectCode} visit ${set.visit}: rows give different visit dates`,
      });
    }
    // A row with an unknown view is already reported; its set is not also called incomplete.
    if (set.invalidViews) continue;
    const missing = VIEWS.filter((view) => !set.images.some((image) => image.view === view));
    if (missing.length) {
      problems.push({
        row: set.row,
        reason: `subject ${set.subjectCode} visit ${set.visit} lacks the ${missing.join(', ')} view${missing.length > 1 ? 's' : ''}`,
      });
    }
  }
  for (const name of inArchive) {
    if (!listed.has(name))
      problems.push({ row: 0, reason: `${name} is in the archive but not in ${MANIFEST_NAME}` });
  }
  problems.sort((a, b) => a.row - b.row);
  return {
    sets: [...sets.values()].map(({ invalidViews: _i, dates: _d, ...set }) => set),
    problems,
  };
}
