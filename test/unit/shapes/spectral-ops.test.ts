// torch.stft / torch.istft and the complex views around them (torchaudio's HDemucs spectrogram).
// Expected shapes printed by PyTorch 1.13 (/usr/bin/python3) for each expression with
// x = torch.zeros(3, 100); a null is a call PyTorch raises on, or one whose size depends on the dtype,
// which the engine must leave unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

function outputOf(expr: string): (number | string)[] | null {
  const m = analyze(`import torch
import torch.nn as nn

class Net(nn.Module):
    def forward(self, x):
        return ${expr}

m = Net()
m(torch.zeros(3, 100))
`).models[0];
  return m.output;
}

const PYTORCH: [string, number[] | null][] = [
  ['torch.stft(x, 16, 4, return_complex=True)', [3, 9, 26]],
  ['torch.stft(x, 16, return_complex=True)', [3, 9, 26]],
  ['torch.stft(x, 15, 4, return_complex=True)', [3, 8, 25]],
  ['torch.stft(x, 15, 4, center=False, return_complex=True)', [3, 8, 22]],
  ['torch.stft(x, 16, 5, return_complex=False)', [3, 9, 21, 2]],
  ['torch.stft(x, 16, 4, onesided=False, return_complex=True)', [3, 16, 26]],
  ['torch.stft(x[0], 16, 4, window=torch.hann_window(16), return_complex=True)', [9, 26]],
  ['x.stft(16, hop_length=4, win_length=8, return_complex=True)', [3, 9, 26]],
  // A complex input is two-sided by default.
  [
    'torch.stft(torch.view_as_complex(torch.zeros(3, 100, 2)), 16, 4, return_complex=True)',
    [3, 16, 26],
  ],
  ['torch.istft(torch.stft(x, 16, 4, return_complex=True), 16, 4)', [3, 100]],
  ['torch.istft(torch.stft(x, 15, 4, return_complex=True), 15, 4)', [3, 97]],
  ['torch.istft(torch.stft(x, 16, 4, return_complex=True), 16, 4, length=77)', [3, 77]],
  [
    'torch.istft(torch.stft(x, 16, 4, return_complex=True)[0], 16, 4, window=torch.hann_window(16))',
    [100],
  ],
  ['torch.view_as_real(torch.stft(x, 16, 4, return_complex=True))', [3, 9, 26, 2]],
  ['torch.view_as_complex(torch.zeros(3, 5, 2))', [3, 5]],
  ['torch.hann_window(7)', [7]],
  ['torch.hamming_window(window_length=5)', [5]],
  // PyTorch raises: reflect padding of 128 on 100 samples.
  ['torch.stft(x, 256, 64, return_complex=True)', null],
  // Without return_complex, 1.13 warns and gives a real view for a real input, a complex one for a
  // complex input: the size depends on the dtype.
  ['torch.stft(x, 16, 4)', null],
  // PyTorch raises: the last dimension is not 2.
  ['torch.view_as_complex(torch.zeros(3, 5, 3))', null],
  // PyTorch raises: 9 frequency bins do not fit n_fft 32.
  ['torch.istft(torch.stft(x, 16, 4, return_complex=True), 32, 4)', null],
];

for (const [expr, want] of PYTORCH)
  test(`${expr} → ${want ? `(${want.join(', ')})` : 'unknown'}`, () => {
    assert.deepEqual(outputOf(expr), want);
  });
