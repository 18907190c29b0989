// Per-channel mean and standard deviation of x/255 over a training split, from a histogram of byte
// values: what torchvision users put in Normalize(mean, std), computed from the data at hand rather than
// copied from somewhere, so any data set gets inputs of mean 0 and standard deviation 1.
import { channelsOf, type ImageSplit } from './types';

export function channelStats(s: ImageSplit): { mean: number[]; std: number[] } {
  const ch = channelsOf(s);
  const hw = s.rows * s.cols;
  const hist = Array.from({ length: ch }, () => new Float64Array(256));
  for (let i = 0; i < s.count; i++) {
    for (let c = 0; c < ch; c++) {
      const h = hist[c];
      const off = (i * ch + c) * hw;
      for (let j = 0; j < hw; j++) h[s.images[off + j]]++;
    }
  }
  const mean: number[] = [];
  const std: number[] = [];
  for (const h of hist) {
    let n = 0;
    let sum = 0;
    for (let v = 0; v < 256; v++) {
      n += h[v];
      sum += h[v] * v;
    }
    const m = sum / n;
    let sq = 0;
    for (let v = 0; v < 256; v++) sq += h[v] * (v - m) ** 2;
    mean.push(m / 255);
    // A constant channel would divide by zero: leave it unscaled.
    const sd = Math.sqrt(sq / n) / 255;
    std.push(sd > 0 ? sd : 1);
  }
  return { mean, std };
}
