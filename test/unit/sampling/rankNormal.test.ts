// The rank-normalisation table against Φ⁻¹ evaluated at every rank: the Taylor steps between exact
// anchors (millions of draws) must agree with it to 1e-12, and small runs are Φ⁻¹ itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/common/rng';
import { TieScores, tiedZ, zOfHalfRank, zOfRanks } from '../../../src/sampling/rankNormal';
import { normQuantile } from '../../../src/sampling/special';

/**
 * Φ⁻¹ at rank r; the upper half as −Φ⁻¹ of the mirrored rank, since 1 − p rounded near 1 would lose
 * the digits the lower half keeps (Φ⁻¹(1 − p) = −Φ⁻¹(p)).
 */
const direct = (r: number, S: number): number =>
  r - 1 > S - r
    ? -normQuantile((S + 1 - r - 0.375) / (S + 0.25))
    : normQuantile((r - 0.375) / (S + 0.25));

test('z of every rank equals Φ⁻¹((r − 3/8)/(S + 1/4)) to 1e-12, on both sides of the Taylor threshold', () => {
  for (const S of [1, 2, 7, 1000, (1 << 20) - 1, 1 << 20, (1 << 20) + 17, 4_000_000, 4_000_001]) {
    const z = zOfRanks(S);
    assert.equal(z.length, S);
    let worst = 0;
    for (let r = 1; r <= S; r++) worst = Math.max(worst, Math.abs(z[r - 1] - direct(r, S)));
    assert.ok(worst <= 1e-12, `S = ${S}: worst difference ${worst}`);
    // Below the threshold every score is Φ⁻¹ itself (or its mirror), bit for bit.
    if (S < 1 << 20)
      for (let r = 1; r <= S; r++)
        assert.equal(
          z[r - 1],
          r - 1 > S - r ? -direct(S + 1 - r, S) : direct(r, S),
          `S ${S} r ${r}`,
        );
  }
});

test('z of a half rank (a tie of two) equals Φ⁻¹ there to 1e-12, with the table or without', () => {
  for (const S of [1000, (1 << 20) - 1, 1 << 20, 4_000_000]) {
    const z = zOfRanks(S);
    let worst = 0;
    for (let k = 0; k + 1 < S; k++) {
      // Rank k + 3/2, from the mirrored side in the upper half (see `direct`).
      const r = k + 1.5;
      const want =
        r - 1 > S - r
          ? -normQuantile((S + 1 - r - 0.375) / (S + 0.25))
          : normQuantile((r - 0.375) / (S + 0.25));
      worst = Math.max(worst, Math.abs(zOfHalfRank(k, S, z) - want));
    }
    assert.ok(worst <= 1e-12, `S = ${S}: worst difference ${worst}`);
  }
});

test('TieScores.z(pos, w) is tiedZ(pos, pos + w − 1) bit for bit, at and around the Taylor bounds', () => {
  // Below 2^20 (no Taylor steps), at it, and above with 0.02·S whole and not.
  for (const S of [1000, 50_001, (1 << 20) - 1, 1 << 20, (1 << 20) + 17, 2_000_000, 4_000_001]) {
    const z = zOfRanks(S);
    const ties = new TieScores(S, z);
    // Middle positions (pos + ⌊w/2⌋ − 1, the half rank of an even tie) around 0.02·S and 0.98·S,
    // reached from both sides by every w, the ends, and spread over the range.
    const centres = [0, Math.floor(0.02 * S), Math.ceil(0.02 * S), Math.floor(0.98 * S) - 1];
    centres.push(Math.floor(S / 2), S - 1);
    const r = new Rng(S);
    for (let n = 0; n < 200; n++) centres.push(Math.floor(r.uniform() * S));
    let checked = 0;
    for (const c of centres)
      for (const w of [1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 1000, 1001])
        for (let pos = c - (w >> 1) - 40; pos <= c - (w >> 1) + 40; pos++) {
          if (pos < 0 || pos + w > S) continue;
          const got = ties.z(pos, w),
            want = tiedZ(pos, pos + w - 1, S, z);
          if (!Object.is(got, want)) assert.fail(`S ${S}, pos ${pos}, w ${w}: ${got} ≠ ${want}`);
          checked++;
        }
    assert.ok(checked > 10_000, `S ${S}: ${checked} ties checked`);
  }
});
