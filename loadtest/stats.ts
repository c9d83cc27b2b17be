// Small statistics for repeated load-test runs on a noisy shared machine:
// medians and their spread, never a single run.

export function median(values: number[]): number {
  if (!values.length) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "1.62× (1.48–1.71 over 3)": the median and the range of the runs it came from. */
export function medianAndSpread(values: number[], digits = 2, unit = '×'): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(median(values))}${unit} (${f(Math.min(...values))}–${f(Math.max(...values))} over ${values.length})`;
}
