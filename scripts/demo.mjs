// `npm run demo`: the CLI's main jobs on the built-in data and on examples/, as a new user would run them.
import { spawnSync } from 'node:child_process';

// [arguments, the exit status that means it worked]: `shapes` exits 1 when it finds a shape error,
// which is the point of examples/shape_bug.py.
const jobs = [
  [['shapes', 'examples/mnist_cnn.py'], 0],
  [['shapes', 'examples/shape_bug.py'], 1],
  [['train', '--model', 'compare', '--epochs', '1', '--limit', '2000'], 0],
  [
    [
      'sample',
      'exp(-x^2/2) * (1 + sin(3x)^2)',
      '--sampler',
      'nuts',
      '--n',
      '2000',
      '--chains',
      '4',
    ],
    0,
  ],
  [['sample', 'exp(-x^2/2) * (1 + sin(3x)^2)', '--sampler', 'rejection', '--n', '20000'], 0],
];
let failed = 0;
for (const [args, expected] of jobs) {
  console.log(`\n$ tensor-lens ${args.map((a) => (/[\s()*^]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
  if (r.status !== expected) {
    console.error(`demo: expected exit ${expected}, got ${r.status}`);
    failed++;
  } else if (expected !== 0)
    console.log(`(exit ${expected}: the deliberate shape bug was found, as intended)`);
}
process.exit(failed ? 1 : 0);
