// Stan's transforms from a bounded interval to the whole real line, for HMC and NUTS (Stan
// Reference Manual, "Constraint transforms"): x = lo + e^u (lower bound), x = hi − e^u (upper
// bound), x = lo + (hi − lo)·logistic(u) (both). The sampler works in u and adds log|dx/du|.

export interface AxisTransform {
  kind: 'none' | 'lower' | 'upper' | 'both';
  toX(u: number): number;
  toU(x: number): number;
  /** log |dx/du| */
  logJ(u: number): number;
  dxdu(u: number): number;
  /** d log|dx/du| / du */
  dlogJ(u: number): number;
}

const logistic = (u: number): number => 1 / (1 + Math.exp(-u));
/** log logistic(u) without overflow for large |u|. */
const logLogistic = (u: number): number =>
  u >= 0 ? -Math.log1p(Math.exp(-u)) : u - Math.log1p(Math.exp(u));

const IDENTITY: AxisTransform = {
  kind: 'none',
  toX: (u) => u,
  toU: (x) => x,
  logJ: () => 0,
  dxdu: () => 1,
  dlogJ: () => 0,
};

/**
 * The transform for range [lo, hi] whose effective support (where the mass is) is [sLo, sHi]. An end
 * is transformed when it is finite and within 10 support widths of the mass; an end further away
 * stays a plain bound (log f is −∞ beyond it, and f is 0 near it to double precision).
 */
export function axisTransform(lo: number, hi: number, sLo: number, sHi: number): AxisTransform {
  const width = Math.max(sHi - sLo, Number.MIN_VALUE);
  const near = (end: number, edge: number): boolean =>
    Number.isFinite(end) && Math.abs(edge - end) <= 10 * width;
  const useLo = near(lo, sLo),
    useHi = near(hi, sHi);
  if (useLo && useHi) {
    const span = hi - lo,
      logSpan = Math.log(span);
    return {
      kind: 'both',
      // Each half from its own end, so x near hi keeps its digits (1 − 1e-17 would round to 1).
      toX: (u) => (u <= 0 ? lo + span * logistic(u) : hi - span * logistic(-u)),
      toU: (x) => Math.log(x - lo) - Math.log(hi - x),
      logJ: (u) => logSpan + logLogistic(u) + logLogistic(-u),
      dxdu: (u) => {
        const s = logistic(u);
        return span * s * (1 - s);
      },
      dlogJ: (u) => 1 - 2 * logistic(u),
    };
  }
  if (useLo) {
    return {
      kind: 'lower',
      toX: (u) => lo + Math.exp(u),
      toU: (x) => Math.log(x - lo),
      logJ: (u) => u,
      dxdu: (u) => Math.exp(u),
      dlogJ: () => 1,
    };
  }
  if (useHi) {
    return {
      kind: 'upper',
      toX: (u) => hi - Math.exp(u),
      toU: (x) => Math.log(hi - x),
      logJ: (u) => u,
      dxdu: (u) => -Math.exp(u),
      dlogJ: () => 1,
    };
  }
  return IDENTITY;
}
