import { RenditionCache } from './rendition-cache';

const bytes = (n: number, fill = 1): Buffer => Buffer.alloc(n, fill);

describe('RenditionCache', () => {
  it('keeps entries within the byte budget, dropping the least recently used first', () => {
    const cache = new RenditionCache(800);
    cache.set('a', bytes(100));
    cache.set('b', bytes(100));
    cache.set('c', bytes(100));
    expect(cache.get('a')).toBeDefined(); // a is now the most recently used
    for (const key of ['d', 'e', 'f', 'g', 'h', 'i']) cache.set(key, bytes(100));
    expect(cache.size).toBe(800);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.get('i')).toBeDefined();
  });

  it('does not keep an object larger than an eighth of the budget', () => {
    const cache = new RenditionCache(800);
    cache.set('big', bytes(101));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new RenditionCache(0);
    cache.set('a', bytes(1));
    expect(cache.get('a')).toBeUndefined();
  });

  it('replacing a key counts its bytes once', () => {
    const cache = new RenditionCache(800);
    cache.set('a', bytes(100));
    cache.set('a', bytes(50));
    expect(cache.size).toBe(50);
  });

  it('shares one load between concurrent misses, and loads again after a failure', async () => {
    const cache = new RenditionCache(800);
    let loads = 0;
    const load = async (): Promise<Buffer> => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return bytes(10, 7);
    };
    const all = await Promise.all([1, 2, 3].map(() => cache.getOrLoad('k', load)));
    expect(loads).toBe(1);
    expect(all.every((b) => b.equals(bytes(10, 7)))).toBe(true);
    await cache.getOrLoad('k', load);
    expect(loads).toBe(1);

    const failing = (): Promise<Buffer> => Promise.reject(new Error('gone'));
    await expect(cache.getOrLoad('x', failing)).rejects.toThrow('gone');
    expect(cache.get('x')).toBeUndefined();
    await expect(cache.getOrLoad('x', () => Promise.resolve(bytes(3)))).resolves.toHaveLength(3);
  });
});
