import { STORAGE_KEY_COLUMNS } from './storage-references';
import { sweepBlockers } from './storage-references.repository';

const listed = STORAGE_KEY_COLUMNS.map(({ table, column }) => `${table}.${column}`);

describe('sweepBlockers', () => {
  it('lets the sweep run when the schema has exactly the listed key columns', () => {
    expect(sweepBlockers([...listed, 'reads.idempotency_key'])).toEqual([]);
  });

  it('stops it for a key-like column nobody listed', () => {
    expect(sweepBlockers([...listed, 'scan_attachments.storage_key'])).toEqual([
      'scan_attachments.storage_key may hold storage keys but is not listed',
    ]);
  });

  it('stops it when a listed column is missing, e.g. the role cannot see the table', () => {
    expect(sweepBlockers([])).toHaveLength(listed.length);
    expect(sweepBlockers(listed.filter((name) => name !== 'photo_images.original_key'))).toEqual([
      'photo_images.original_key is listed but not in the schema',
    ]);
  });
});
