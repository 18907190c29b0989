// Whole numbers and byte sizes as the panel and the CLI print them, shared by the page and the host (which builds the Summary).

export function fmtInt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  // Thin spaces group the digits the same way in every locale.
  return Math.round(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}

/** Bytes in binary units (KB = 1024 B), one decimal; `?` when unknown. */
export function fmtBytes(b: number | null): string {
  if (b === null) return '?';
  if (b < 1024) return `${b} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = b / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
