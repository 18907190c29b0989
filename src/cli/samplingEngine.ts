// What `tensor-lens sample` runs, apart from its flags and help: the samplers, with mathjs. esbuild.mjs
// bundles this on its own (dist/cli-sampling-engine.js), required only once a density is to be
// sampled, so `sample --help` and bad flags start as fast as `tensor-lens --help`.
export { checkExpression, defaultWarmup, drawsCsv, runSampler, SampleCancelled } from '../sampling';
export { traceSteps } from '../sampling/steps';
