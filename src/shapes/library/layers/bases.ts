// torch.nn's public layer classes that derive from another public one (besides nn.Module), for
// isinstance(m, nn.Hardtanh) on an nn.ReLU6. Printed by PyTorch 1.13:
//   pub = {n: c for n, c in vars(nn).items() if inspect.isclass(c) and issubclass(c, nn.Module)}
//   [(n, [b.__name__ for b in c.__mro__[1:] if pub.get(b.__name__) is b and b is not nn.Module])]
export const LAYER_BASES: ReadonlyMap<string, readonly string[]> = new Map([
  ['GRU', ['RNNBase']],
  ['GRUCell', ['RNNCellBase']],
  ['LSTM', ['RNNBase']],
  ['LSTMCell', ['RNNCellBase']],
  ['LazyConv1d', ['Conv1d']],
  ['LazyConv2d', ['Conv2d']],
  ['LazyConv3d', ['Conv3d']],
  ['LazyConvTranspose1d', ['ConvTranspose1d']],
  ['LazyConvTranspose2d', ['ConvTranspose2d']],
  ['LazyConvTranspose3d', ['ConvTranspose3d']],
  ['LazyLinear', ['Linear']],
  ['NLLLoss2d', ['NLLLoss']],
  ['RNN', ['RNNBase']],
  ['RNNCell', ['RNNCellBase']],
  ['ReLU6', ['Hardtanh']],
  ['UpsamplingBilinear2d', ['Upsample']],
  ['UpsamplingNearest2d', ['Upsample']],
  ['ZeroPad2d', ['ConstantPad2d']],
]);

/** Whether torch.nn's class `type` is, or derives from, torch.nn's class `name`. */
export const layerIsA = (type: string, name: string): boolean =>
  type === name || (LAYER_BASES.get(type)?.includes(name) ?? false);
