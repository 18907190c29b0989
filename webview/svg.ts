// Charts as SVG text: Chart.js draws only to a canvas, so the SVG export redraws a chart from the
// positions Chart.js computed (see export.ts) as vector shapes. Pure string building, unit-tested.
// Labels are user text (model names, class names) and are escaped; the host also refuses any SVG that
// could run script.

export interface SvgText {
  x: number;
  y: number;
  text: string;
  anchor?: 'start' | 'middle' | 'end';
  /** Degrees, about (x, y). */
  rotate?: number;
  color?: string;
  size?: number;
  weight?: 'bold';
}

export interface SvgSeries {
  color: string;
  width: number;
  dash?: readonly number[];
  /** Pixel positions; a null breaks the line. */
  points: readonly ([number, number] | null)[];
  /** A colour for the area the line encloses, closed from its last point to its first. */
  fill?: string;
}

export interface SvgDot {
  x: number;
  y: number;
  r: number;
  fill: string;
}

/** A raster drawn as is (a density's grid), shown only inside `clip`. */
export interface SvgImage {
  x: number;
  y: number;
  w: number;
  h: number;
  /** A PNG data URL; anything else is left out. */
  href: string;
  clip: { x: number; y: number; w: number; h: number };
}

export interface SvgRect {
  x: number;
  y: number;
  w: number;
  h: number;
  fill: string;
  title?: string;
}

export interface SvgScene {
  width: number;
  height: number;
  background: string;
  font: string;
  color: string;
  /** Grid lines and axes, as pixel segments. */
  lines?: readonly { x1: number; y1: number; x2: number; y2: number; color: string }[];
  /** Drawn over the grid lines (as a chart plugin paints over Chart.js's grid), under the rest. */
  images?: readonly SvgImage[];
  rects?: readonly SvgRect[];
  series?: readonly SvgSeries[];
  /** Points drawn without a line (a scatter, marks on a trace), over the series. */
  dots?: readonly SvgDot[];
  texts?: readonly SvgText[];
}

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Two decimals are finer than a screen pixel and keep the file small. */
const n = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 100) / 100) : '0');

/** A colour as an attribute value: theme colours come from CSS and could hold anything. */
function color(c: string): string {
  return /^(#[0-9a-f]{3,8}|rgba?\([\d\s.,%]+\)|[a-z]+)$/i.test(c.trim()) ? c.trim() : '#888';
}

export function sceneSvg(s: SvgScene): string {
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${n(s.width)}" height="${n(s.height)}" viewBox="0 0 ${n(s.width)} ${n(s.height)}" font-family="${escapeXml(s.font)}" font-size="11">`,
    `<rect width="100%" height="100%" fill="${color(s.background)}"/>`,
  ];
  for (const l of s.lines ?? [])
    out.push(
      `<line x1="${n(l.x1)}" y1="${n(l.y1)}" x2="${n(l.x2)}" y2="${n(l.y2)}" stroke="${color(l.color)}" stroke-width="1"/>`,
    );
  for (const im of s.images ?? []) {
    if (!/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(im.href)) continue;
    const c = im.clip;
    // A nested viewport clips without ids (two charts' files never clash); the grid's cells stay
    // square-edged as on screen.
    out.push(
      `<svg x="${n(c.x)}" y="${n(c.y)}" width="${n(c.w)}" height="${n(c.h)}" viewBox="${n(c.x)} ${n(c.y)} ${n(c.w)} ${n(c.h)}" overflow="hidden">`,
      `<image x="${n(im.x)}" y="${n(im.y)}" width="${n(im.w)}" height="${n(im.h)}" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" href="${im.href}"/>`,
      '</svg>',
    );
  }
  for (const r of s.rects ?? []) {
    const rect = `<rect x="${n(r.x)}" y="${n(r.y)}" width="${n(Math.max(0, r.w))}" height="${n(Math.max(0, r.h))}" fill="${color(r.fill)}"`;
    out.push(r.title ? `${rect}><title>${escapeXml(r.title)}</title></rect>` : `${rect}/>`);
  }
  for (const se of s.series ?? []) {
    let d = '';
    let pen = false;
    for (const p of se.points) {
      if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${n(p[0])} ${n(p[1])}`;
      pen = true;
    }
    if (!d) continue;
    if (se.fill) out.push(`<path d="${d}Z" fill="${color(se.fill)}" stroke="none"/>`);
    const dash = se.dash?.length ? ` stroke-dasharray="${se.dash.map(n).join(' ')}"` : '';
    out.push(
      `<path d="${d}" fill="none" stroke="${color(se.color)}" stroke-width="${n(se.width)}" stroke-linejoin="round"${dash}/>`,
    );
  }
  for (const p of s.dots ?? [])
    out.push(`<circle cx="${n(p.x)}" cy="${n(p.y)}" r="${n(p.r)}" fill="${color(p.fill)}"/>`);
  for (const t of s.texts ?? []) {
    const rot = t.rotate ? ` transform="rotate(${n(t.rotate)} ${n(t.x)} ${n(t.y)})"` : '';
    const size = t.size ? ` font-size="${n(t.size)}"` : '';
    const weight = t.weight ? ' font-weight="bold"' : '';
    out.push(
      `<text x="${n(t.x)}" y="${n(t.y)}" text-anchor="${t.anchor ?? 'start'}" fill="${color(t.color ?? s.color)}"${size}${weight}${rot}>${escapeXml(t.text)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
