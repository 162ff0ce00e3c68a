/**
 * Drift monitoring (issue 12): a p-chart per rater of the share of their live reads that ended
 * in a discordant pair, against 3-sigma limits from the study's pooled rate (Shewhart p-chart
 * with varying subgroup size). Reads are taken in submission order and cut into subgroups of
 * `subgroupSize` consecutive reads; a last, partial subgroup is charted only once it has at
 * least half that many reads, so one early discordance in a tiny subgroup raises no alarm.
 */
export interface RaterRead {
  /** Whether the pair this read belongs to was discordant. */
  discordant: boolean;
  /** This read's SALT minus the set's final SALT (the drift plot); null while not final. */
  signedDifference: number | null;
  submittedAt: Date;
}

export interface ChartPoint {
  index: number;
  /** Submission time of the subgroup's first and last read. */
  from: string;
  to: string;
  n: number;
  discordant: number;
  rate: number;
  lowerLimit: number;
  upperLimit: number;
  outOfControl: boolean;
  /** Mean of read − final SALT over the subgroup's final sets; null when none is final. */
  meanSignedDifference: number | null;
}

export interface PooledRate {
  discordant: number;
  reads: number;
}

export const DEFAULT_SUBGROUP_SIZE = 20;

export function pooledRate(all: readonly PooledRate[]): number {
  const reads = all.reduce((sum, r) => sum + r.reads, 0);
  const discordant = all.reduce((sum, r) => sum + r.discordant, 0);
  return reads === 0 ? 0 : discordant / reads;
}

/** 3-sigma limits of a subgroup of n reads around the pooled rate, clipped to [0, 1]. */
export function pChartLimits(pBar: number, n: number): { lower: number; upper: number } {
  const sigma = Math.sqrt((pBar * (1 - pBar)) / n);
  return { lower: Math.max(0, pBar - 3 * sigma), upper: Math.min(1, pBar + 3 * sigma) };
}

export function pChart(
  reads: readonly RaterRead[],
  pBar: number,
  subgroupSize = DEFAULT_SUBGROUP_SIZE,
): ChartPoint[] {
  const ordered = [...reads].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime());
  const points: ChartPoint[] = [];
  for (let start = 0; start < ordered.length; start += subgroupSize) {
    const group = ordered.slice(start, start + subgroupSize);
    if (group.length < Math.ceil(subgroupSize / 2)) break;
    const discordant = group.filter((read) => read.discordant).length;
    const rate = discordant / group.length;
    const { lower, upper } = pChartLimits(pBar, group.length);
    const finals = group
      .map((read) => read.signedDifference)
      .filter((d): d is number => d !== null);
    points.push({
      index: points.length,
      from: group[0].submittedAt.toISOString(),
      to: group[group.length - 1].submittedAt.toISOString(),
      n: group.length,
      discordant,
      rate,
      lowerLimit: lower,
      upperLimit: upper,
      // A rate below the lower limit is good news (fewer disagreements), not drift: only the
      // upper limit raises an alert. A lower limit of 0 can never be crossed anyway.
      outOfControl: rate > upper,
      meanSignedDifference: finals.length
        ? finals.reduce((sum, d) => sum + d, 0) / finals.length
        : null,
    });
  }
  return points;
}
