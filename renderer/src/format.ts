const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];
const formats = new Map<string | undefined, Intl.RelativeTimeFormat>();

/** `locale`: the browser's when left out; a fixed one where server and browser must agree (hydration.ts). */
export function relativeTime(iso: string | null, now: number = Date.now(), locale?: string): string {
  if (!iso) return 'never';
  let relative = formats.get(locale);
  if (!relative) formats.set(locale, (relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  const diff = Date.parse(iso) - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') return relative.format(Math.round(diff / ms), unit);
  }
  return iso;
}

export function exactTime(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
