// Errors that mean "the input is wrong" (bad text, not a density, bad parameters), so callers can
// show the one-line message as it is, without a stack: the worker maps these to its UserError.
export class SamplingInputError extends Error {}
