// Whether a module has an attribute, for hasattr() and getattr()'s default: `self.shortcut(x) if
// hasattr(self, 'shortcut') else x` is how many public ResNet variants skip an identity shortcut.
// "Absent" is stated only when every place the attribute could come from is known.
import { findClassAttr, findMethod } from './calls';
import { BASE_LAYER } from './modules';
import { layerName } from './names';
import type { ClassInfo, Value } from './values';

/** nn.Module's own attributes in PyTorch 1.13 (`dir(nn.Module())` and its `vars()`, without dunders). */
const MODULE_ATTRS = new Set([
  '_apply',
  '_backward_hooks',
  '_buffers',
  '_call_impl',
  '_forward_hooks',
  '_forward_pre_hooks',
  '_get_backward_hooks',
  '_get_name',
  '_is_full_backward_hook',
  '_load_from_state_dict',
  '_load_state_dict_post_hooks',
  '_load_state_dict_pre_hooks',
  '_maybe_warn_non_full_backward_hook',
  '_modules',
  '_named_members',
  '_non_persistent_buffers_set',
  '_parameters',
  '_register_load_state_dict_pre_hook',
  '_register_state_dict_hook',
  '_replicate_for_data_parallel',
  '_save_to_state_dict',
  '_slow_forward',
  '_state_dict_hooks',
  '_version',
  'T_destination',
  'add_module',
  'apply',
  'bfloat16',
  'buffers',
  'children',
  'cpu',
  'cuda',
  'double',
  'dump_patches',
  'eval',
  'extra_repr',
  'float',
  'forward',
  'get_buffer',
  'get_extra_state',
  'get_parameter',
  'get_submodule',
  'half',
  'ipu',
  'load_state_dict',
  'modules',
  'named_buffers',
  'named_children',
  'named_modules',
  'named_parameters',
  'parameters',
  'register_backward_hook',
  'register_buffer',
  'register_forward_hook',
  'register_forward_pre_hook',
  'register_full_backward_hook',
  'register_load_state_dict_post_hook',
  'register_module',
  'register_parameter',
  'requires_grad_',
  'set_extra_state',
  'share_memory',
  'state_dict',
  'to',
  'to_empty',
  'train',
  'training',
  'type',
  'xpu',
  'zero_grad',
]);

/**
 * The containers' attributes beyond nn.Module's in PyTorch 1.13 (`dir()` and `vars()` of an empty
 * one, without dunders): a subclass of one (torchvision's `Conv2dNormActivation(nn.Sequential)`)
 * has these and its children, and nothing else its own code does not set.
 */
const CONTAINER_ATTRS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    Module: [],
    Sequential: ['_get_item_by_idx', 'append', 'extend', 'insert', 'pop'],
    ModuleList: ['_get_abs_string_index', 'append', 'extend', 'insert', 'pop'],
    ModuleDict: ['clear', 'items', 'keys', 'pop', 'update', 'values'],
  }).map(([k, v]) => [k, new Set(v)]),
);

/**
 * The torch bases of `cls` when every base is a class read from source, nn.Module or one of its
 * containers (nothing else can add attributes); null otherwise.
 */
function torchBases(cls: ClassInfo, out: Set<string> = new Set(), depth = 0): Set<string> | null {
  if (depth > 50) return null;
  for (const b of cls.bases) {
    if (b.k === 'class') {
      if (!torchBases(b.cls, out, depth + 1)) return null;
      continue;
    }
    const name = b.k === 'ext' ? layerName(b.path) : null;
    if (name === null || !CONTAINER_ATTRS.has(name)) return null;
    out.add(name);
  }
  return out;
}

/**
 * True or false when the analyser knows whether `v` has attribute `name`, null when it cannot tell.
 * False only for a user module whose class and bases are all read from source, which nothing has
 * given attributes by names the analyser could not read (openAttrs), and that was built fully (`why`
 * is set when code the analyser could not follow, such as a branch on an unknown condition, may have
 * set attributes on it).
 */
export function hasAttrKnown(v: Value, name: string): boolean | null {
  if (v.k !== 'module') return null;
  const m = v.m;
  if (m.maybeAttrs?.has(name)) return null;
  if (m.children.has(name) || m.attrs.has(name)) return true;
  if (m.cls && (findMethod(m.cls, name) || findClassAttr(m.cls, name))) return true;
  if (MODULE_ATTRS.has(name)) return true;
  const bases = m.cls ? torchBases(m.cls) : null;
  if (
    m.kind !== 'user' ||
    !m.cls ||
    m.opaque ||
    m.openAttrs ||
    m.why ||
    m.attrs.has(BASE_LAYER) ||
    name.startsWith('__') ||
    findMethod(m.cls, '__getattr__') ||
    findMethod(m.cls, '__getattribute__') ||
    !bases
  )
    return null;
  return [...bases].some((b) => CONTAINER_ATTRS.get(b)?.has(name));
}

/** Namespaces whose names the analyser knows are never None (torch's API, Python's builtins). */
const KNOWN_ROOTS = new Set([
  'torch',
  'builtins',
  'math',
  'typing',
  'collections',
  'functools',
  'itertools',
  'operator',
  'tensor',
  'super',
]);

/**
 * An external name that could be None: one imported from a module the analyser did not read
 * (`from config import NORM`), or an attribute of a module it cannot rule out (`self.extra` after
 * an unknown call on self). `x is None` on it is unknown.
 */
export function mayBeNone(v: Value): boolean {
  if (v.k !== 'ext') return false;
  const p = v.path;
  if (p.startsWith('module.')) {
    const name = p.slice(7).split('.')[0];
    return !MODULE_ATTRS.has(name) && !(v.self && hasAttrKnown(v.self, name) === false);
  }
  return !KNOWN_ROOTS.has(p.slice(0, p.indexOf('.') >>> 0));
}

/**
 * The submodules and direct parameters of torch's composite layers, from PyTorch 1.13
 * (`named_children()` and `named_parameters(recurse=False)`): a subclass that assigns one of these
 * names replaces part of the layer, which the layer's parameter count cannot take out.
 */
const COMPOSITE_PARTS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries({
    Transformer: ['encoder', 'decoder'],
    TransformerEncoder: ['layers', 'norm'],
    TransformerDecoder: ['layers', 'norm'],
    TransformerEncoderLayer: [
      'self_attn',
      'linear1',
      'dropout',
      'linear2',
      'norm1',
      'norm2',
      'dropout1',
      'dropout2',
    ],
    TransformerDecoderLayer: [
      'self_attn',
      'multihead_attn',
      'linear1',
      'dropout',
      'linear2',
      'norm1',
      'norm2',
      'norm3',
      'dropout1',
      'dropout2',
      'dropout3',
    ],
    MultiheadAttention: [
      'out_proj',
      'in_proj_weight',
      'q_proj_weight',
      'k_proj_weight',
      'v_proj_weight',
      'in_proj_bias',
      'bias_k',
      'bias_v',
    ],
  }).map(([k, v]) => [k, new Set(v)]),
);

/** Whether `name` may be one of torch layer `type`'s own submodules or parameters. */
export function layerMayOwn(type: string, name: string): boolean {
  const parts = COMPOSITE_PARTS.get(type);
  if (parts) return parts.has(name);
  // Leaf layers own only parameters: weight and bias, the recurrent layers' per-layer weights.
  return (
    /^(weight|bias)(_(ih|hh|hr)_l\d+(_reverse)?)?$/.test(name) || /^(weight|bias)_[a-z]$/.test(name)
  );
}
