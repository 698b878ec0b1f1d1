// The bench's one statistic: a row is the median of repeated runs, since one run swings with
// whatever else the machine is doing.

/** The middle value (the upper one of two); call it with at least one. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}
