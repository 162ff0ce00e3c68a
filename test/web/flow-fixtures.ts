import { Page } from 'playwright-core';
import sharp from 'sharp';
import { makeZip, ZipEntry } from '../support/photo-fixtures';
import { RecordedResponse } from './browser';

// What a rater must never learn about the sets they score: the uploaded set...
export const SUBJECT = 'SUBJ-Q7X4K';
export const VISIT = 'Week-12-VZK';
export const VISIT_DATE = '2026-03-17';
// ...and the one that arrives through the ZIP import.
export const ZIP_SUBJECT = 'SUBJ-ZIP1Q';
export const ZIP_VISIT = 'Baseline-ZQ';
export const ZIP_DATE = '2026-01-05';
export const FORBIDDEN = [
  SUBJECT,
  VISIT,
  VISIT_DATE,
  ZIP_SUBJECT,
  ZIP_VISIT,
  ZIP_DATE,
  // EXIF and local spellings of the dates.
  '2026:03:17',
  '17/03/2026',
  '03/17/2026',
  '2026:01:05',
];

export const VIEWS = ['top', 'back', 'left', 'right'] as const;
export type View = (typeof VIEWS)[number];
export const VIEW_LABEL: Record<View, string> = {
  top: 'Top (40%) – % loss',
  back: 'Back (24%) – % loss',
  left: 'Left (18%) – % loss',
  right: 'Right (18%) – % loss',
};

export interface Person {
  key: string;
  name: string;
  email: string;
  password: string;
  role: 'coordinator' | 'rater' | 'adjudicator' | 'auditor';
}

export const people: Person[] = (
  [
    ['coordinator', 'Cora Coordinator', 'coordinator'],
    ['rater1', 'Rhea Rater', 'rater'],
    ['rater2', 'Kai Keyboard', 'rater'],
    ['adjudicator', 'Ada Adjudicator', 'adjudicator'],
    ['auditor', 'Otto Auditor', 'auditor'],
  ] as const
).map(([key, name, role]) => ({
  key,
  name,
  role,
  email: `${key}@flow.test`,
  password: `${key}-password-long`,
}));

export function person(key: string): Person {
  const found = people.find((p) => p.key === key);
  if (!found) throw new Error(`no person ${key}`);
  return found;
}

/** A small JPEG per view that carries subject, visit and date in its EXIF, as cameras do. */
export async function photo(view: View): Promise<Buffer> {
  const index = VIEWS.indexOf(view);
  const hue = [200, 30, 120, 300][index];
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
    <rect width="320" height="240" fill="hsl(${hue},35%,55%)"/>
    <ellipse cx="160" cy="130" rx="110" ry="80" fill="hsl(${hue},25%,30%)"/>
    <circle cx="${120 + index * 20}" cy="120" r="28" fill="hsl(30,40%,80%)"/>
  </svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { ImageDescription: `${SUBJECT} ${VISIT} ${view}`, DateTime: '2026:03:17 09:30:00' },
    })
    .toBuffer();
}

/** Drops a file onto an element the way a drag from the desktop does. */
export async function dropFile(
  page: Page,
  selector: string,
  name: string,
  bytes: Buffer,
): Promise<void> {
  // Evaluated in the page, which has DOM types; this file is compiled without them.
  const dataTransfer = await page.evaluateHandle(
    `(() => {
      const binary = atob(${JSON.stringify(bytes.toString('base64'))});
      const data = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], ${JSON.stringify(name)}, { type: 'image/jpeg' }));
      return transfer;
    })()`,
  );
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

/** One complete set in manifest.csv plus its images. */
export async function goodImportZip(): Promise<Buffer> {
  const rows = VIEWS.map(
    (view) => `${ZIP_SUBJECT},${ZIP_VISIT},${ZIP_DATE},${view},images/${view}.jpg`,
  );
  const entries: ZipEntry[] = [
    {
      name: 'manifest.csv',
      data: Buffer.from(['subject_code,visit,visit_date,view,file', ...rows].join('\n')),
    },
  ];
  for (const view of VIEWS) entries.push({ name: `images/${view}.jpg`, data: await photo(view) });
  return makeZip(entries);
}

/** A manifest with a set short of a view and a row naming a file the archive lacks. */
export async function badImportZip(): Promise<Buffer> {
  const rows = [
    ...VIEWS.slice(0, 3).map((view) => `SUBJ-BAD2,Baseline,2026-01-06,${view},bad/${view}.jpg`),
    'SUBJ-BAD3,Baseline,2026-01-07,top,missing.jpg',
  ];
  const entries: ZipEntry[] = [
    {
      name: 'manifest.csv',
      data: Buffer.from(['subject_code,visit,visit_date,view,file', ...rows].join('\n')),
    },
  ];
  for (const view of VIEWS.slice(0, 3)) {
    entries.push({ name: `bad/${view}.jpg`, data: await photo(view) });
  }
  return makeZip(entries);
}

/** Every forbidden string found in the recorded responses (URL, headers, body) or texts. */
export function leaks(responses: RecordedResponse[], texts: string[]): string[] {
  const found: string[] = [];
  for (const response of responses) {
    const haystacks = [
      response.url,
      JSON.stringify(response.headers),
      response.body ? response.body.toString('latin1') : '',
    ];
    for (const secret of FORBIDDEN) {
      if (haystacks.some((text) => text.includes(secret))) {
        found.push(`${secret} in ${response.status} ${response.url}`);
      }
    }
  }
  for (const text of texts) {
    for (const secret of FORBIDDEN) {
      if (text.includes(secret)) found.push(`${secret} in page text/title/URL`);
    }
  }
  return found;
}

/** The read code and the page's visible state, for what a rater sees at one moment. */
export async function readScreen(page: Page): Promise<{ code: string; seen: string[] }> {
  await page.locator('.read-code').waitFor();
  const code = (await page.locator('.read-code').innerText()).trim();
  return { code, seen: [await page.title(), page.url(), await page.content()] };
}
