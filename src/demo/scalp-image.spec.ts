import sharp from 'sharp';
import { scalpImage } from './scalp-image';

describe('scalpImage', () => {
  it('draws a skin-toned JPEG that differs by seed and loses hair with coverage', async () => {
    const dense = await scalpImage({ seed: 1, coverage: 0.9, width: 320, height: 240 });
    const same = await scalpImage({ seed: 1, coverage: 0.9, width: 320, height: 240 });
    const other = await scalpImage({ seed: 2, coverage: 0.9, width: 320, height: 240 });
    const sparse = await scalpImage({ seed: 1, coverage: 0.1, width: 320, height: 240 });
    const meta = await sharp(dense).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    expect(dense.equals(other)).toBe(false);
    expect(same.length).toBeGreaterThan(0);
    const mean = async (image: Buffer) => (await sharp(image).stats()).channels[0].mean;
    // Dark hair strokes pull the red channel down: the sparse scalp is lighter.
    expect(await mean(sparse)).toBeGreaterThan(await mean(dense));
    // Skin tone: red above green above blue.
    const { channels } = await sharp(sparse).stats();
    expect(channels[0].mean).toBeGreaterThan(channels[1].mean);
    expect(channels[1].mean).toBeGreaterThan(channels[2].mean);
  });
});
