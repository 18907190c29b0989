// Whole numbers as the panel prints them, shared by the page and the host (which builds the Summary).

export function fmtInt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  // Thin spaces group the digits the same way in every locale.
  return Math.round(v)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
}
