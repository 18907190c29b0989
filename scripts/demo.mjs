// `npm run demo`: the CLI's main jobs on the built-in data and on examples/, as a new user would run them.
import { spawnSync } from 'node:child_process';

const jobs = [
  ['shapes', 'examples/mnist_cnn.py'],
  ['shapes', 'examples/shape_bug.py'],
  ['train', '--model', 'compare', '--epochs', '1', '--limit', '2000'],
  ['sample', 'exp(-x^2/2) * (1 + sin(3x)^2)', '--sampler', 'nuts', '--n', '2000', '--chains', '4'],
  ['sample', 'exp(-x^2/2) * (1 + sin(3x)^2)', '--sampler', 'rejection', '--n', '20000'],
];
let failed = 0;
for (const args of jobs) {
  console.log(`\n$ tensor-lens ${args.map((a) => (/[\s()*^]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
