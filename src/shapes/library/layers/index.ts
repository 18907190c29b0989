// Every layer rule by PyTorch class name.
import { activationRules } from './activation';
import {
  multiheadAttention,
  transformer,
  transformerDecoderLayer,
  transformerEncoderLayer,
} from './attention';
import { convRules } from './conv';
import { linearRules } from './linear';
import { normRules } from './norm';
import { poolRules } from './pool';
import { recurrentRules } from './recurrent';
import { resampleRules } from './resample';
import type { LayerRule } from './rule';

export const LAYERS: ReadonlyMap<string, LayerRule> = new Map(
  [
    ...convRules,
    ...poolRules,
    ...linearRules,
    ...normRules,
    ...activationRules,
    ...recurrentRules,
    ...resampleRules,
    multiheadAttention,
    transformerEncoderLayer,
    transformerDecoderLayer,
    transformer,
  ].map((r) => [r.type, r]),
);
