// Worker threads in Node 20 ignore `--import tsx` for their entry file, so register tsx here.
require('tsx/cjs');
require('./runaway-worker.ts');
