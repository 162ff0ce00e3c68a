import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

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
