#!/usr/bin/env node
// The CLI runs from the bundle that `npm install` (prepare) and `npm run build` produce.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const bundle = join(__dirname, '..', 'dist', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write('tensor-lens: dist/cli.js is missing; run `npm run build` in the tensor-lens folder first\n');
  process.exit(2);
}
require(bundle).runFromProcess();
