import { deleteQuietly, PhotoStorage } from './photo-storage';

/** Storage whose delete fails for some keys, recording what it removed. */
function storageFailingOn(failing: string[]): PhotoStorage & { deleted: string[] } {
  const deleted: string[] = [];
  return {
    deleted,
    put: () => Promise.resolve(),
    get: () => Promise.reject(new Error('not used')),
    open: () => Promise.reject(new Error('not used')),
    stat: () => Promise.resolve(null),
    list: async function* () {},
    probe: () => Promise.resolve(),
    delete: (key) =>
      failing.includes(key)
        ? Promise.reject(new Error(`disk error on ${key}`))
        : Promise.resolve(void deleted.push(key)),
  };
}

describe('deleteQuietly', () => {
  it('deletes every key it can and never fails the caller', async () => {
    const storage = storageFailingOn(['originals/bb/b']);
    await expect(
      deleteQuietly(storage, ['originals/aa/a', 'originals/bb/b', 'renditions/cc/c']),
    ).resolves.toBeUndefined();
    expect(storage.deleted).toEqual(['originals/aa/a', 'renditions/cc/c']);
  });
});
