/**
 * Milliseconds per unit of a Workflows duration. Workflows reads durations with itty-time's `ms()`
 * (a month is 30 days, a year 365.25), which these values and {@link durationMs} follow.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  year: 31_557_600_000,
  month: 2_592_000_000,
  week: 604_800_000,
  day: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
  m: 1,
};

/**
 * Reads a Workflows duration (`WorkflowSleepDuration`: a number of milliseconds, a string holding
 * one such as `"5000"`, or `"<number> <unit>"` with `second`, `minute`, `hour`, `day`, `week`,
 * `month` or `year`, plural or not, such as `"1e3 seconds"` or `"1.5 hours"`) exactly as Workflows
 * reads it; like Workflows, it takes an unknown unit as milliseconds (`"100 ms"`).
 * @returns milliseconds, or `null` for anything that is not a duration of zero or more (a delay
 *   function, `"soon"`): never throws, so that a caller inside a workflow can skip what it cannot read
 * @example durationMs('2 hours') // 7200000
 */
export function durationMs(duration: unknown): number | null {
  let ms = Number.NaN;
  if (typeof duration === 'number') ms = duration;
  else if (typeof duration === 'string') {
    const plain = Number(duration);
    if (!Number.isNaN(plain)) ms = plain;
    else {
      const match = /^([^ ]+) +(\w+?)s?$/.exec(duration);
      if (match) ms = Number(match[1]) * (Object.hasOwn(UNIT_MS, match[2]!) ? UNIT_MS[match[2]!]! : 1);
    }
  }
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}
