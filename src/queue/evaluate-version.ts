import { createHash } from 'node:crypto';

/**
 * The evaluate job's id version for one pair of read versions. A corrected read is a new read
 * row, so its re-evaluation gets a new job id and runs, while repeats of the same pair collapse.
 */
export function evaluateJobVersion(readIds: readonly string[]): string {
  return createHash('sha256')
    .update([...readIds].sort().join('+'))
    .digest('hex')
    .slice(0, 16);
}
