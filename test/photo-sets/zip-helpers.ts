/**
 * Renames an entry in place (same length), for names yazl itself refuses to write, such as
 * "../evil.jpg" — exactly what a hostile archive would carry.
 */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (from.length !== to.length) throw new Error('names must have the same length');
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  let at = out.indexOf(needle);
  if (at < 0) throw new Error(`${from} not found`);
  while (at >= 0) {
    Buffer.from(to).copy(out, at);
    at = out.indexOf(needle, at + 1);
  }
  return out;
}

/** Sets general purpose bit 0 ("encrypted") on one entry's local and central headers. */
export function markEncrypted(zip: Buffer, name: string): Buffer {
  const out = Buffer.from(zip);
  const nameBytes = Buffer.from(name);
  for (let i = 0; i + 46 < out.length; i++) {
    const signature = out.readUInt32LE(i);
    if (
      signature === 0x04034b50 &&
      out.subarray(i + 30, i + 30 + nameBytes.length).equals(nameBytes)
    ) {
      out.writeUInt16LE(out.readUInt16LE(i + 6) | 1, i + 6);
    }
    if (
      signature === 0x02014b50 &&
      out.subarray(i + 46, i + 46 + nameBytes.length).equals(nameBytes)
    ) {
      out.writeUInt16LE(out.readUInt16LE(i + 8) | 1, i + 8);
    }
  }
  return out;
}
