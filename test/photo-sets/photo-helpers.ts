import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { VIEWS, View } from '../../src/photo-sets/photo-set.entity';
import { waitFor } from '../support/processes';
import { ApiClient, Make, MadeUser } from '../support/factories';
import { TestApp } from '../support/test-app';

export interface StudySetup {
  admin: ApiClient;
  studyId: string;
  coordinator: MadeUser;
}

let studyCounter = 0;

/** A study with one coordinator member. */
export async function setupStudy(make: Make, code?: string): Promise<StudySetup> {
  const admin = await make.admin();
  const created = await admin.post('/studies', {
    code: code ?? `PS-${process.pid}-${++studyCounter}-${Date.now().toString(36)}`,
    title: 'Photo study',
  });
  if (created.status !== 201) throw new Error(`study: ${created.status}`);
  const studyId = (created.body as { id: string }).id;
  const coordinator = await make.coordinator();
  const member = await admin.put(`/studies/${studyId}/members/${coordinator.user.id}`, {
    roles: ['coordinator'],
  });
  if (member.status !== 200) throw new Error(`member: ${member.status}`);
  return { admin, studyId, coordinator };
}

export function plainJpeg(width = 640, height = 480, shade = 120): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: { r: shade, g: 90, b: 70 } },
  })
    .jpeg()
    .toBuffer();
}

export type ViewFiles = Partial<Record<View, { bytes: Buffer; name?: string }>>;

export async function fourViews(shade = 120): Promise<ViewFiles> {
  const bytes = await plainJpeg(640, 480, shade);
  return Object.fromEntries(VIEWS.map((view) => [view, { bytes }]));
}

export function upload(
  client: ApiClient,
  studyId: string,
  fields: Record<string, string>,
  files: ViewFiles,
): ReturnType<ApiClient['post']> {
  let request = client.post(`/studies/${studyId}/photo-sets`);
  for (const [name, value] of Object.entries(fields)) request = request.field(name, value);
  for (const [view, file] of Object.entries(files)) {
    if (file) request = request.attach(view, file.bytes, file.name ?? `${view}.jpg`);
  }
  return request;
}

export async function setStatus(t: TestApp, id: string): Promise<string | undefined> {
  const rows: { status: string }[] = await t.db.query(
    'SELECT status FROM photo_sets WHERE id = $1',
    [id],
  );
  return rows[0]?.status;
}

/**
 * Waits until ingest has finished with the set and answers 'ready' or 'rejected'. Assignment
 * (the reads module) may already have moved a ready set on; that still counts as ready.
 */
export async function waitForSet(t: TestApp, id: string, timeoutMs = 30_000): Promise<string> {
  let status: string | undefined;
  await waitFor(async () => {
    status = await setStatus(t, id);
    return status !== undefined && status !== 'processing';
  }, timeoutMs);
  return status === 'rejected' ? 'rejected' : 'ready';
}

/** Every stored file under an area of the storage directory (temp files included). */
export function storedFiles(storageDir: string, area: string): string[] {
  const root = join(storageDir, area);
  const found: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(`${area}/${path.slice(root.length + 1)}`);
    }
  };
  walk(root);
  return found.sort();
}

/** Inserts raw JPEG marker segments (e.g. COM, APP13/IPTC) right after the SOI marker. */
export function withSegments(jpeg: Buffer, segments: { marker: number; data: Buffer }[]): Buffer {
  const parts = segments.map(({ marker, data }) => {
    const header = Buffer.alloc(4);
    header[0] = 0xff;
    header[1] = marker;
    header.writeUInt16BE(data.length + 2, 2);
    return Buffer.concat([header, data]);
  });
  return Buffer.concat([jpeg.subarray(0, 2), ...parts, jpeg.subarray(2)]);
}

/** A Photoshop APP13 segment carrying one IPTC caption. */
export function iptcSegment(caption: string): { marker: number; data: Buffer } {
  const text = Buffer.from(caption);
  const iptc = Buffer.concat([Buffer.from([0x1c, 0x02, 0x78, 0, text.length]), text]);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(iptc.length);
  const resource = Buffer.concat([
    Buffer.from('8BIM'),
    Buffer.from([0x04, 0x04, 0x00, 0x00]),
    size,
    iptc,
    iptc.length % 2 ? Buffer.from([0]) : Buffer.alloc(0),
  ]);
  return { marker: 0xed, data: Buffer.concat([Buffer.from('Photoshop 3.0\0'), resource]) };
}
