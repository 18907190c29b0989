// The one reading of a range the user types ("0, inf", "[-3, 3]", "-1..1", "0 1"), shared by the CLI
// and the panel so that both accept the same text. Infinite bounds are allowed: the sampling engine
// decides what a half-line means for each sampler.

function parseBound(s: string): number {
  const t = s.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity' || t === '∞') {
    return Infinity;
  }
  if (t === '-inf' || t === '-infinity' || t === '-∞') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

/** null for empty text; undefined when malformed (not two bounds, or not lo < hi). */
export function parseRange(text: string): [number, number] | null | undefined {
  const t = text.trim();
  if (!t) return null;
  const parts = t
    .replace(/^[[(]\s*|\s*[\])]$/g, '')
    .split(/\s*(?:,|\.\.|\s)\s*/)
    .filter(Boolean);
  if (parts.length !== 2) return undefined;
  const a = parseBound(parts[0]);
  const b = parseBound(parts[1]);
  if (Number.isNaN(a) || Number.isNaN(b) || !(a < b)) return undefined;
  return [a, b];
}

/** A range bound pair as a request carries it: numbers, not NaN, lo < hi; ±Infinity allowed. */
export function isRangePair(v: unknown): v is [number, number] {
  return (
    Array.isArray(v) &&
    v.length === 2 &&
    typeof v[0] === 'number' &&
    typeof v[1] === 'number' &&
    v[0] < v[1]
  );
}
