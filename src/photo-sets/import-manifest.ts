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
type ParsedRow = { record: Row; info: { lines: number } };

/** A set as the manifest builds it up, with what is needed to check it once all rows are read. */
interface DraftSet extends PlannedSet {
  invalidViews: boolean;
  dates: Set<string>;
}

/** What reading the rows gathers. */
interface Reading {
  inArchive: Set<string>;
  /** Manifest row listing each file. */
  listed: Map<string, number>;
  sets: Map<string, DraftSet>;
  /** Row of each (subject, visit, view) seen. */
  seenView: Map<string, number>;
  problems: ImportProblem[];
}

interface Fields {
  subjectCode: string;
  visit: string;
  visitDate: string;
  view: string;
  file: string;
}

function normalizePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

function isView(view: string): view is View {
  return (VIEWS as readonly string[]).includes(view);
}

/**
 * Checks the manifest against the archive's files and builds the sets it describes. Rows are
 * numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2; row 0
 * means the archive as a whole. Every problem is listed, not just the first.
 */
export function planImport(manifest: Buffer | undefined, archiveFiles: string[]): ImportPlan {
  const parsed = parseManifest(manifest);
  if (!Array.isArray(parsed)) return { sets: [], problems: [parsed] };
  const reading: Reading = {
    inArchive: new Set(archiveFiles.filter((name) => name !== MANIFEST_NAME)),
    listed: new Map(),
    sets: new Map(),
    seenView: new Map(),
    problems: [],
  };
  for (const { record, info } of parsed) readRow(reading, record, info.lines);
  const problems = [
    ...reading.problems,
    ...[...reading.sets.values()].flatMap(incompleteSetProblems),
    ...unlistedFiles(reading),
  ];
  problems.sort((a, b) => a.row - b.row);
  return {
    sets: [...reading.sets.values()].map(({ invalidViews: _i, dates: _d, ...set }) => set),
    problems,
  };
}

/** The manifest's rows, or the one problem that stops it being read at all. */
function parseManifest(manifest: Buffer | undefined): ParsedRow[] | ImportProblem {
  if (!manifest) return { row: 0, reason: `${MANIFEST_NAME} is missing from the archive` };
  let records: ParsedRow[];
  try {
    records = parse<ParsedRow>(manifest, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      info: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 0;
    return { row: line, reason: `${MANIFEST_NAME} is not valid CSV (${(error as Error).message})` };
  }
  if (!records.length) return { row: 1, reason: `${MANIFEST_NAME} lists no images` };
  const firstKeys = Object.keys(records[0].record);
  const missingColumns = MANIFEST_COLUMNS.filter((column) => !firstKeys.includes(column));
  if (missingColumns.length) {
    return { row: 1, reason: `${MANIFEST_NAME} lacks the column(s) ${missingColumns.join(', ')}` };
  }
  return records;
}

function readRow(reading: Reading, record: Row, row: number): void {
  const problem = (reason: string): void => {
    reading.problems.push({ row, reason });
  };
  const fields: Fields = {
    subjectCode: record.subject_code ?? '',
    visit: record.visit ?? '',
    visitDate: record.visit_date ?? '',
    view: (record.view ?? '').toLowerCase(),
    file: normalizePath(record.file ?? ''),
  };
  const identified = checkFields(fields, record.view, problem);
  checkFile(reading, fields.file, row, problem);
  if (identified) addImage(reading, fields, row, problem);
}

/** Reports bad values; true when subject and visit are valid, so the row belongs to a set. */
function checkFields(
  fields: Fields,
  viewAsWritten: string | undefined,
  problem: (reason: string) => void,
): boolean {
  const { subjectCode, visit, visitDate, view } = fields;
  let identified = true;
  if (!SUBJECT_CODE_PATTERN.test(subjectCode)) {
    problem(`subject_code "${subjectCode}" is not valid (letters, digits, . _ -)`);
    identified = false;
  }
  if (!VISIT_PATTERN.test(visit)) {
    problem(`visit "${visit}" is not valid (letters, digits, spaces, . _ -)`);
    identified = false;
  }
  if (visitDate && !isIsoDate(visitDate)) {
    problem(`visit_date "${visitDate}" is not a real date written YYYY-MM-DD`);
  }
  if (!isView(view)) problem(`view "${viewAsWritten}" is unknown; use ${VIEWS.join(', ')}`);
  return identified;
}

/** Each file must be in the archive and listed once. */
function checkFile(
  reading: Reading,
  file: string,
  row: number,
  problem: (reason: string) => void,
): void {
  const { inArchive, listed } = reading;
  if (!file) problem('file is empty');
  else if (!inArchive.has(file)) problem(`file ${file} is not in the archive`);
  else if (listed.has(file)) problem(`file ${file} is already listed on row ${listed.get(file)}`);
  if (file && !listed.has(file)) listed.set(file, row);
}

function addImage(
  reading: Reading,
  fields: Fields,
  row: number,
  problem: (reason: string) => void,
): void {
  const { subjectCode, visit, visitDate, view, file } = fields;
  const setKey = JSON.stringify([subjectCode, visit]);
  let set = reading.sets.get(setKey);
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
    reading.sets.set(setKey, set);
  }
  // Blank and invalid dates (the latter already reported) do not count as disagreeing.
  if (visitDate && isIsoDate(visitDate)) {
    set.dates.add(visitDate);
    set.visitDate = visitDate;
  }
  if (!isView(view)) {
    set.invalidViews = true;
    return;
  }
  const viewKey = JSON.stringify([subjectCode, visit, view]);
  const earlier = reading.seenView.get(viewKey);
  if (earlier !== undefined) {
    problem(
      `duplicate: subject ${subjectCode} visit ${visit} view ${view} is already on row ${earlier}`,
    );
    return;
  }
  reading.seenView.set(viewKey, row);
  set.images.push({ view, file, row });
}

/** A set must agree on its date and have all four views. */
function incompleteSetProblems(set: DraftSet): ImportProblem[] {
  const problems: ImportProblem[] = [];
  if (set.dates.size > 1) {
    problems.push({
      row: set.row,
      reason: `subject ${set.subjectCode} visit ${set.visit}: rows give different visit dates`,
    });
  }
  // A row with an unknown view is already reported; its set is not also called incomplete.
  if (set.invalidViews) return problems;
  const missing = VIEWS.filter((view) => !set.images.some((image) => image.view === view));
  if (missing.length) {
    problems.push({
      row: set.row,
      reason: `subject ${set.subjectCode} visit ${set.visit} lacks the ${missing.join(', ')} view${missing.length > 1 ? 's' : ''}`,
    });
  }
  return problems;
}

function unlistedFiles(reading: Reading): ImportProblem[] {
  return [...reading.inArchive]
    .filter((name) => !reading.listed.has(name))
    .map((name) => ({ row: 0, reason: `${name} is in the archive but not in ${MANIFEST_NAME}` }));
}
