import sharp from 'sharp';
import { describeBytes, inspectImage, jpegMetadataSegments, prepareImage } from './image-pipeline';

function photo(width: number, height: number): sharp.Sharp {
  return sharp({
    create: { width, height, channels: 3, background: { r: 180, g: 120, b: 90 } },
  });
}

const XMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>Site 042</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;

describe('prepareImage', () => {
  it('strips EXIF, GPS, XMP and ICC from every rendition', async () => {
    const input = await photo(2400, 1800)
      .withExif({
        IFD0: { Make: 'Canon', Model: 'EOS', Software: 'site-042' },
        IFD2: { DateTimeOriginal: '2024:03:01 10:11:12', BodySerialNumber: 'SN-123456' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' },
      })
      .withXmp(XMP)
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(before.exif).toBeDefined();
    expect(before.xmp).toBeDefined();
    expect(before.icc).toBeDefined();
    expect(jpegMetadataSegments(input)).toEqual(expect.arrayContaining(['APP1', 'APP2']));

    const prepared = await prepareImage(input);
    if (!prepared.ok) throw new Error(prepared.reason);
    for (const rendition of [prepared.full, prepared.display, prepared.thumb]) {
      const meta = await sharp(rendition.bytes).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.comments ?? []).toEqual([]);
      expect(jpegMetadataSegments(rendition.bytes)).toEqual([]);
      expect(rendition.bytes.includes(Buffer.from('SN-123456'))).toBe(false);
      expect(rendition.bytes.includes(Buffer.from('Site 042'))).toBe(false);
    }
    expect([prepared.full.width, prepared.display.width, prepared.thumb.width]).toEqual([
      2400, 1600, 320,
    ]);
  });

  it('does not enlarge small images', async () => {
    const prepared = await prepareImage(await photo(200, 100).png().toBuffer());
    if (!prepared.ok) throw new Error(prepared.reason);
    expect(prepared.display.width).toBe(200);
    expect(prepared.thumb.width).toBe(200);
  });

  it('puts transparent pixels on white, in a 3-channel JPEG', async () => {
    const input = await sharp({
      create: { width: 40, height: 40, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toBuffer();
    const prepared = await prepareImage(input);
    if (!prepared.ok) throw new Error(prepared.reason);
    const { data, info } = await sharp(prepared.full.bytes)
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect([...data.subarray(0, 3)].every((value) => value > 250)).toBe(true);
  });

  it('turns an EXIF-rotated image upright', async () => {
    // Stored landscape 300×100 with orientation 6 (rotate 90° clockwise to view).
    const input = await photo(300, 100).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const prepared = await prepareImage(input);
    if (!prepared.ok) throw new Error(prepared.reason);
    expect([prepared.full.width, prepared.full.height]).toEqual([100, 300]);
    expect((await sharp(prepared.full.bytes).metadata()).orientation).toBeUndefined();
  });

  it('rejects a text file whatever it is called, and says so', async () => {
    const prepared = await prepareImage(Buffer.from('subject 001, visit baseline\n'.repeat(10)));
    expect(prepared).toEqual({
      ok: false,
      reason: 'not an image sharp can decode (text file)',
    });
  });

  it('rejects SVG and empty files', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
    );
    expect(await inspectImage(svg)).toMatch(/svg format is not accepted/);
    expect(await inspectImage(Buffer.alloc(0))).toBe('the file is empty');
    expect(describeBytes(Buffer.from([0, 1, 2, 3]))).toBe('unrecognised data');
  });
});
