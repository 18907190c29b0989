// The playground's gallery of classic hard 2-D targets. Each is only a starting text: the user
// edits it like any typed density (compiled by src/sampling/expr.ts, never evaluated as code).
// What makes each hard is said in `why`, shown beside it.

export interface GalleryTarget {
  name: string;
  expr: string;
  /** Range on x (and y, unless rangeY), when the target needs one to be integrable or visible. */
  range?: [number, number];
  rangeY?: [number, number];
  why: string;
}

export const GALLERY_2D: readonly GalleryTarget[] = [
  {
    name: 'banana',
    expr: 'exp(-x^2/2 - (y - x^2)^2)',
    why: 'a curved ridge: a random walk with a round proposal goes along it slowly',
  },
  {
    name: 'donut',
    expr: 'exp(-(sqrt(x^2 + y^2) - 2)^2 / 0.08)',
    why: 'a thin ring: the mass is far from the mode’s neighbourhood in every direction',
  },
  {
    name: 'funnel',
    expr: 'exp(-y^2/2 - x^2 / (2 exp(2y)) - y)',
    range: [-30, 30],
    rangeY: [-4, 4],
    why: 'Neal’s funnel: the neck needs a step size 100 times smaller than the mouth (divergences)',
  },
  {
    name: 'multimodal',
    expr: 'exp(-((x-2)^2 + (y-2)^2)/0.5) + exp(-((x+2)^2 + (y+1)^2)/0.5) + exp(-((x-1.5)^2 + (y+2.5)^2)/0.5)',
    why: 'three separated modes: local samplers rarely cross the valleys between them',
  },
  {
    name: 'squiggle',
    expr: 'exp(-x^2/8 - 5 (y + sin(2x))^2)',
    why: 'a narrow winding ridge: the local scale changes direction as x moves',
  },
];
