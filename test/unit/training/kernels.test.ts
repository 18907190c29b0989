// Our wasm gradient kernels against the cpu backend's (independent, plain-JS) implementations, on
// random shapes, strides and paddings ('same', 'valid', explicit, numeric).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { loadBackend, type Tf } from '../../../src/training/backend';
import { uniformStream } from '../../../src/training/rng';
import { isOurKernel } from '../../../src/training/wasmKernels';

let tf: Tf;
before(async () => {
  tf = (await loadBackend('wasm')).tf;
});

test('the wasm backend runs our gradient kernels', () => {
  for (const k of [
    'Conv2DBackpropFilter',
    'Conv2DBackpropInput',
    'MaxPoolGrad',
    'BatchMatMul',
    'Sum',
  ])
    assert.ok(isOurKernel(tf.getKernel(k, 'wasm')), k);
});

function rand(shape: number[], r: () => number): { shape: number[]; values: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, values: Float32Array.from({ length: n }, () => r() * 2 - 1) };
}

async function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  data: Record<string, { shape: number[]; values: Float32Array }>,
  attrs: NamedAttrMap,
): Promise<{ shape: number[]; values: Float32Array }> {
  await tf.setBackend(backend);
  const inputs: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(data)) inputs[k] = tf.tensor(v.values, v.shape);
  const out = tf.engine().runKernel(kernel, inputs, attrs) as Tensor;
  const res = { shape: out.shape.slice(), values: out.dataSync() as Float32Array };
  Object.values(inputs).forEach((t) => t.dispose());
  out.dispose();
  return res;
}

function assertClose(
  a: { shape: number[]; values: Float32Array },
  b: { shape: number[]; values: Float32Array },
  what: string,
): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < a.values.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a.values[i] - b.values[i]));
    scale = Math.max(scale, Math.abs(b.values[i]));
  }
  assert.ok(
    maxAbs <= 1e-4 * Math.max(1, scale),
    `${what}: max |wasm − cpu| = ${maxAbs} (scale ${scale})`,
  );
}

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];
const convCases: {
  x: [number, number, number, number];
  f: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}[] = [
  { x: [4, 28, 28, 1], f: [3, 3, 1, 32], strides: 1, pad: 'valid' },
  { x: [3, 13, 13, 32], f: [3, 3, 32, 64], strides: 1, pad: 'valid' },
  { x: [2, 9, 11, 3], f: [5, 5, 3, 5], strides: 1, pad: 'same' },
  { x: [2, 9, 11, 3], f: [5, 5, 3, 5], strides: 2, pad: 'same' },
  { x: [2, 10, 10, 2], f: [3, 3, 2, 4], strides: 3, pad: 'valid' },
  {
    x: [3, 8, 7, 4],
    f: [3, 2, 4, 3],
    strides: [2, 1],
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 2], strides: 1, pad: 1 },
  { x: [1, 6, 9, 2], f: [1, 4, 2, 3], strides: [1, 2], pad: 'same' },
  // One input channel: the filter gradient's im2col GEMM path, strided and padded too.
  { x: [2, 9, 11, 1], f: [5, 5, 1, 3], strides: 2, pad: 'same' },
  {
    x: [3, 8, 7, 1],
    f: [3, 2, 1, 4],
    strides: [2, 1],
    pad: [
      [0, 0],
      [1, 2],
      [2, 0],
      [0, 0],
    ],
  },
  { x: [2, 10, 10, 1], f: [3, 3, 1, 2], strides: 3, pad: 'valid' },
  // A ResNet's downsampling: 3×3 stride 2 padding 1, and the 1×1 stride-2 shortcut, on odd sizes too.
  { x: [2, 8, 8, 4], f: [3, 3, 4, 6], strides: 2, pad: 1 },
  { x: [2, 7, 7, 4], f: [3, 3, 4, 6], strides: 2, pad: 1 },
  { x: [2, 8, 7, 4], f: [1, 1, 4, 6], strides: 2, pad: 'valid' },
  // Padding wider than the kernel reaches: positions that only see zeros.
  { x: [2, 5, 5, 2], f: [1, 1, 2, 3], strides: 1, pad: 1 },
  { x: [1, 6, 5, 2], f: [2, 2, 2, 3], strides: 2, pad: 2 },
];

function convInfo(c: (typeof convCases)[number]) {
  return tf.backend_util.computeConv2DInfo(c.x, c.f, c.strides, 1, c.pad);
}

test('Conv2DBackpropFilter (wasm) equals cpu', async () => {
  const r = uniformStream(1);
  for (const c of convCases) {
    const info = convInfo(c);
    const data = { x: rand(c.x, r), dy: rand(info.outShape, r) };
    const attrs = {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      filterShape: c.f,
    } as unknown as NamedAttrMap;
    assertClose(
      await runOn('wasm', 'Conv2DBackpropFilter', data, attrs),
      await runOn('cpu', 'Conv2DBackpropFilter', data, attrs),
      `dW ${JSON.stringify(c)}`,
    );
  }
});

test('Conv2DBackpropInput (wasm) equals cpu', async () => {
  const r = uniformStream(2);
  for (const c of convCases) {
    const info = convInfo(c);
    const data = { dy: rand(info.outShape, r), filter: rand(c.f, r) };
    const attrs = {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      inputShape: c.x,
    } as unknown as NamedAttrMap;
    assertClose(
      await runOn('wasm', 'Conv2DBackpropInput', data, attrs),
      await runOn('cpu', 'Conv2DBackpropInput', data, attrs),
      `dx ${JSON.stringify(c)}`,
    );
  }
});

test('MaxPoolGrad (wasm) equals cpu, overlapping windows and padding included', async () => {
  const r = uniformStream(3);
  const cases: {
    x: [number, number, number, number];
    k: number | [number, number];
    s: number | [number, number];
    pad: Pad;
  }[] = [
    { x: [4, 26, 26, 8], k: 2, s: 2, pad: 'valid' },
    { x: [2, 11, 11, 5], k: 2, s: 2, pad: 'valid' },
    { x: [2, 9, 10, 3], k: 3, s: 2, pad: 'same' },
    { x: [3, 7, 7, 2], k: [3, 2], s: 1, pad: 'valid' },
    { x: [1, 8, 8, 4], k: 3, s: 2, pad: 1 },
  ];
  for (const c of cases) {
    await tf.setBackend('cpu');
    const info = tf.backend_util.computePool2DInfo(c.x, c.k, c.s, 1, c.pad);
    const x = rand(c.x, r);
    // Quantise some inputs so that windows hold ties: the first maximum must win on both backends.
    for (let i = 0; i < x.values.length; i += 3) x.values[i] = Math.round(x.values[i] * 2) / 2;
    const dy = rand(info.outShape, r);
    const attrs = { filterSize: c.k, strides: c.s, pad: c.pad } as unknown as NamedAttrMap;
    const results = [];
    for (const b of ['wasm', 'cpu'] as const) {
      await tf.setBackend(b);
      const xt = tf.tensor(x.values, x.shape);
      const y = tf.engine().runKernel('MaxPool', { x: xt }, attrs) as Tensor;
      const dyt = tf.tensor(dy.values, dy.shape);
      const dx = tf
        .engine()
        .runKernel('MaxPoolGrad', { dy: dyt, input: xt, output: y }, attrs) as TensorInfo as Tensor;
      results.push({ shape: dx.shape.slice(), values: dx.dataSync() as Float32Array });
      tf.dispose([xt, y, dyt, dx]);
    }
    assertClose(results[0], results[1], `maxPoolGrad ${JSON.stringify(c)}`);
  }
});

test('BatchMatMul (wasm) equals cpu, with every transpose, rank 2 and 3, batched or not', async () => {
  const r = uniformStream(5);
  const cases: { a: number[]; b: number[]; tA: boolean; tB: boolean }[] = [
    { a: [64, 784], b: [784, 512], tA: false, tB: false },
    { a: [64, 512], b: [784, 512], tA: false, tB: true },
    { a: [64, 784], b: [64, 512], tA: true, tB: false },
    { a: [7, 5], b: [3, 7], tA: true, tB: true },
    { a: [1, 9, 4], b: [1, 4, 6], tA: false, tB: false },
    { a: [3, 4, 9], b: [3, 6, 4], tA: true, tB: true },
  ];
  for (const c of cases) {
    const data = { a: rand(c.a, r), b: rand(c.b, r) };
    const attrs = { transposeA: c.tA, transposeB: c.tB } as unknown as NamedAttrMap;
    assertClose(
      await runOn('wasm', 'BatchMatMul', data, attrs),
      await runOn('cpu', 'BatchMatMul', data, attrs),
      `matMul ${JSON.stringify(c)}`,
    );
  }
});

test('Sum (wasm) equals cpu over leading axes and falls back otherwise', async () => {
  const r = uniformStream(6);
  const cases: { x: number[]; axis: number | number[]; keepDims: boolean }[] = [
    { x: [64, 26, 26, 32], axis: [0, 1, 2], keepDims: false },
    { x: [64, 10], axis: 0, keepDims: false },
    { x: [5, 4, 3], axis: [1, 0], keepDims: true },
    { x: [5, 4, 3], axis: [-1], keepDims: false },
    { x: [5, 4, 3], axis: [0, 2], keepDims: false },
    { x: [6, 7], axis: [0, 1], keepDims: false },
  ];
  for (const c of cases) {
    const data = { x: rand(c.x, r) };
    const attrs = { axis: c.axis, keepDims: c.keepDims } as unknown as NamedAttrMap;
    assertClose(
      await runOn('wasm', 'Sum', data, attrs),
      await runOn('cpu', 'Sum', data, attrs),
      `sum ${JSON.stringify(c)}`,
    );
  }
});

test('a conv → relu → maxpool → dense gradient on wasm equals cpu end to end', async () => {
  const r = uniformStream(4);
  const x = rand([3, 12, 12, 2], r);
  const w = rand([3, 3, 2, 4], r);
  const d = rand([5 * 5 * 4, 3], r);
  const grads = [];
  for (const b of ['wasm', 'cpu'] as const) {
    await tf.setBackend(b);
    const [xt, wt, dt] = [
      tf.tensor4d(x.values, x.shape as [number, number, number, number]),
      tf.tensor4d(w.values, w.shape as [number, number, number, number]),
      tf.tensor2d(d.values, d.shape as [number, number]),
    ];
    const g = tf.grads((wv: Tensor, dv: Tensor) => {
      const h = tf.maxPool(tf.relu(tf.conv2d(xt, wv as typeof wt, 1, 'valid')), 2, 2, 'valid');
      return tf.sum(tf.square(tf.matMul(tf.reshape(h, [3, 100]), dv as typeof dt)));
    })([wt, dt]);
    grads.push(g.map((t) => ({ shape: t.shape.slice(), values: t.dataSync() as Float32Array })));
    tf.dispose([xt, wt, dt, ...g]);
  }
  assertClose(grads[0][0], grads[1][0], 'dW conv');
  assertClose(grads[0][1], grads[1][1], 'dW dense');
});
