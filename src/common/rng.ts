// A small, fast, seeded PRNG: xoshiro128** (Blackman & Vigna 2018) on 32-bit integer arithmetic,
// which JavaScript does natively with Math.imul and >>> 0. Normal variates use the
// Marsaglia–Tsang (2000) ziggurat, exponential variates −log U. Same seed ⇒ same stream on every
// platform, since only integer ops and IEEE doubles are involved.

const TWO_M32 = 2 ** -32;

/** splitmix32: turns (seed, stream) into well-mixed xoshiro state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

// Ziggurat tables for the standard normal, 128 layers (Marsaglia & Tsang 2000, "zigset").
const KN = new Float64Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
(() => {
  const m1 = 2147483648.0;
  let dn = 3.442619855899;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * m1);
  KN[1] = 0;
  WN[0] = q / m1;
  WN[127] = dn / m1;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / m1;
  }
})();
const ZIG_R = 3.442619855899;

export class Rng {
  // State in a typed array: uint32 words above 2^30 would otherwise be boxed heap numbers in fields.
  private readonly s = new Int32Array(4);

  /** `stream` separates chains: (seed, 0), (seed, 1), … give independent-looking streams. */
  constructor(seed: number, stream = 0) {
    const st = { s: (Math.floor(seed) ^ Math.imul(stream + 1, 0x632be5ab)) | 0 };
    // Mix the high bits of large seeds in as well.
    st.s = (st.s + Math.floor(seed / 4294967296)) | 0;
    for (let i = 0; i < 4; i++) this.s[i] = splitmix32(st);
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Next 32 random bits as a signed int32. */
  nextInt32(): number {
    const s = this.s;
    const s0 = s[0],
      s1 = s[1],
      s2 = s[2],
      s3 = s[3];
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result;
  }

  /** Uniform on the open interval (0, 1) with 2^-32 resolution: never 0, so log U is finite. */
  uniform(): number {
    return ((this.nextInt32() >>> 0) + 0.5) * TWO_M32;
  }

  /** Uniform on (0, 1) with 53-bit resolution, for inverse-CDF tails where 2^-32 would show. */
  uniform53(): number {
    const a = this.nextInt32() >>> 5;
    const b = this.nextInt32() >>> 6;
    return (a * 67108864 + b + 0.5) * (1 / 9007199254740992);
  }

  /** Standard normal by the ziggurat: one 32-bit draw, one multiply and one compare 98.8% of the time. */
  normal(): number {
    const hz = this.nextInt32();
    const iz = hz & 127;
    if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    return this.normalTail(hz, iz);
  }

  private normalTail(hz0: number, iz0: number): number {
    let hz = hz0;
    let iz = iz0;
    for (;;) {
      const x = hz * WN[iz];
      if (iz === 0) {
        let xx: number;
        let yy: number;
        do {
          xx = -Math.log(this.uniform()) / ZIG_R;
          yy = -Math.log(this.uniform());
        } while (yy + yy < xx * xx);
        return hz > 0 ? ZIG_R + xx : -ZIG_R - xx;
      }
      if (FN[iz] + this.uniform() * (FN[iz - 1] - FN[iz]) < Math.exp(-0.5 * x * x)) return x;
      hz = this.nextInt32();
      iz = hz & 127;
      if (Math.abs(hz) < KN[iz]) return hz * WN[iz];
    }
  }

  /** Exp(1) variate. */
  exponential(): number {
    return -Math.log(this.uniform());
  }

  /** Student-t with ν = 3: Z / √(χ²₃/3). */
  studentT3(): number {
    const z = this.normal();
    const a = this.normal(),
      b = this.normal(),
      c = this.normal();
    return z / Math.sqrt((a * a + b * b + c * c) / 3);
  }
}
