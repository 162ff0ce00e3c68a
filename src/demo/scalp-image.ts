import sharp from 'sharp';

/** A small deterministic PRNG, so one seed always draws the same picture. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ScalpImageOptions {
  seed: number;
  /** Fraction of the scalp still covered by hair, 0–1. */
  coverage: number;
  width?: number;
  height?: number;
}

/**
 * A synthetic scalp photograph for demos: skin-toned, grainy background with short dark
 * hair-like strokes, and bald patches where coverage is low. Not a real image of anyone.
 */
export async function scalpImage(options: ScalpImageOptions): Promise<Buffer> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const random = mulberry32(options.seed);
  const tone = { r: 205 + random() * 30, g: 160 + random() * 25, b: 130 + random() * 25 };
  // Bald patches: more and larger where less hair is left.
  const patches = Array.from({ length: 1 + Math.round((1 - options.coverage) * 5) }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.1 + (1 - options.coverage) * 0.35) * Math.min(width, height) * (0.5 + random()),
  }));
  const bald = (x: number, y: number) =>
    patches.some((patch) => (x - patch.x) ** 2 + (y - patch.y) ** 2 < patch.r ** 2);
  const strokes: string[] = [];
  const count = Math.round(2500 * Math.max(0.05, options.coverage));
  for (let i = 0; i < count; i++) {
    const x = random() * width;
    const y = random() * height;
    if (bald(x, y) && random() > 0.05) continue;
    const angle = -Math.PI / 2 + (random() - 0.5) * 1.2;
    const length = 12 + random() * 26;
    const bend = (random() - 0.5) * 10;
    const x2 = x + Math.cos(angle) * length;
    const y2 = y + Math.sin(angle) * length;
    const shade = Math.round(25 + random() * 40);
    strokes.push(
      `<path d="M${x.toFixed(1)} ${y.toFixed(1)} Q${((x + x2) / 2 + bend).toFixed(1)} ` +
        `${((y + y2) / 2).toFixed(1)} ${x2.toFixed(1)} ${y2.toFixed(1)}" ` +
        `stroke="rgb(${shade},${Math.round(shade * 0.75)},${Math.round(shade * 0.5)})" ` +
        `stroke-width="${(0.8 + random() * 1.4).toFixed(1)}" fill="none" opacity="0.85"/>`,
    );
  }
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
      `${strokes.join('')}</svg>`,
  );
  // Skin grain from libvips' own noise generator: a per-pixel loop in JS is far too slow.
  const grain = await sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: 128, g: 128, b: 128 },
      noise: { type: 'gaussian', mean: 128, sigma: 18 },
    },
  })
    .png()
    .toBuffer();
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: Math.round(tone.r), g: Math.round(tone.g), b: Math.round(tone.b) },
    },
  })
    .composite([
      { input: grain, blend: 'soft-light' },
      { input: svg, blend: 'over' },
    ])
    .jpeg({ quality: 85 })
    .toBuffer();
}
