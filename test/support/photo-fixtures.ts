import sharp from 'sharp';
import { ZipFile } from 'yazl';
import { VIEWS, View } from '../../src/photo-sets/photo-set.entity';
import { ApiClient } from './factories';

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

/** POST /studies/:id/photo-sets as a multipart form: the fields, then one file per view. */
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

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Unix mode, e.g. 0o120777 for a symbolic link. */
  mode?: number;
  compress?: boolean;
}

export function makeZip(entries: ZipEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    zip.addBuffer(entry.data, entry.name, {
      mode: entry.mode,
      compress: entry.compress ?? true,
      mtime: new Date('2020-01-01T00:00:00Z'),
    });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}
