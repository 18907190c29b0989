#!/usr/bin/python3
"""Record what real PyTorch does with model classes nobody on this project wrote.

    /usr/bin/python3 scripts/record-realworld.py                 # the whole catalogue
    /usr/bin/python3 scripts/record-realworld.py torchvision/res # only ids starting so (others kept)

The models are read where Debian installs them (/usr/lib/python3/dist-packages; run
`bash scripts/setup-python.sh` first); nothing of theirs is copied into the repository. For every
catalogue entry below this builds the model with its `construct` expression, evaluated in the
namespace of the file that defines it, calls it on `call` (the arguments, also Python text), and writes
test/realworld/models.json: the package versions, each file's sha256, and per model the entries that
`tensor-lens shapes --json` lists as [name, type, output, params] (rules in test/realworld/README.md), the output and the parameter
total. `npm run test:realworld` analyses each file with the same two lines appended and compares.
Output is deterministic: rerunning changes nothing.
"""
import hashlib
import importlib
import importlib.util
import json
import os
import subprocess
import sys
import types
import warnings

import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.environ.get('REALWORLD_OUT') or os.path.join(ROOT, 'test', 'realworld', 'models.json')
SITE = '/usr/lib/python3/dist-packages'
PACKAGES = {'torchvision': 'python3-torchvision', 'torchaudio': 'python3-torchaudio',
            'torchtext': 'python3-torchtext', 'torch': 'python3-torch'}

# Containers are traced through; the transformer stacks are containers of layer copies plus a norm.
CONTAINERS = (nn.Sequential, nn.ModuleList, nn.ModuleDict, nn.TransformerEncoder, nn.TransformerDecoder)

CATALOGUE = []


def add(path, construct, call, *, mode='train', note=None, id=None, values=False):
    """One model: `path` under dist-packages, `construct` and `call` as the driver writes them.
    `values`: its shapes depend on the values (detection keeps the boxes that score), so its weights
    get their real initialisation; the others skip it (see fast_init)."""
    pkg = path.split('/')[0]
    name = id or construct.split('(')[0].split('.')[-1]
    CATALOGUE.append({'id': f'{pkg}/{name}', 'file': path, 'construct': construct, 'call': call,
                      'mode': mode, **({'note': note} if note else {}), **({'values': True} if values else {})})


def img(b, c, h, w=None):
    return f'torch.randn({b}, {c}, {h}, {w or h})'


# ------------------------------------------------------------------------------------------------
# torchvision classification: every builder of torchvision.models, default arguments, batch 2 in
# training mode (a freshly built module's mode, and the one the engine assumes). Left out:
# regnet_y_128gf (644M parameters: minutes per run on a shared machine; its 16 siblings stay).
TV = 'torchvision/models/'
for f, names, size in [
    ('alexnet.py', ['alexnet'], 64),
    ('convnext.py', ['convnext_tiny', 'convnext_small', 'convnext_base', 'convnext_large'], 64),
    ('densenet.py', ['densenet121', 'densenet161', 'densenet169', 'densenet201'], 64),
    ('efficientnet.py', [f'efficientnet_b{i}' for i in range(8)] + ['efficientnet_v2_s', 'efficientnet_v2_m', 'efficientnet_v2_l'], 64),
    ('googlenet.py', ['googlenet'], 224),
    ('inception.py', ['inception_v3'], 299),
    ('maxvit.py', ['maxvit_t'], 224),
    ('mnasnet.py', ['mnasnet0_5', 'mnasnet0_75', 'mnasnet1_0', 'mnasnet1_3'], 64),
    ('mobilenetv2.py', ['mobilenet_v2'], 64),
    ('mobilenetv3.py', ['mobilenet_v3_large', 'mobilenet_v3_small'], 64),
    ('regnet.py', [f'regnet_{k}_{s}' for k in 'yx' for s in ['400mf', '800mf', '1_6gf', '3_2gf', '8gf', '16gf', '32gf']], 64),
    ('resnet.py', ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d',
                   'resnext101_32x8d', 'resnext101_64x4d', 'wide_resnet50_2', 'wide_resnet101_2'], 64),
    ('shufflenetv2.py', ['shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'shufflenet_v2_x1_5', 'shufflenet_v2_x2_0'], 64),
    ('squeezenet.py', ['squeezenet1_0', 'squeezenet1_1'], 64),
    ('swin_transformer.py', ['swin_t', 'swin_s', 'swin_b', 'swin_v2_t', 'swin_v2_s', 'swin_v2_b'], 64),
    ('vgg.py', ['vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn'], 32),
    ('vision_transformer.py', ['vit_b_16', 'vit_b_32', 'vit_l_16', 'vit_l_32'], 224),
]:
    for n in names:
        add(TV + f, f'{n}()', img(2, 3, size))

# ViT-H/14 at 224×224 costs ~170 GFLOPs an image; at 112×112 (its image_size argument) a quarter.
add(TV + 'vision_transformer.py', 'vit_h_14(image_size=112)', img(2, 3, 112))

# Segmentation: no pretrained backbone (the default downloads one).
SEG = TV + 'segmentation/'
for f, n in [('fcn.py', 'fcn_resnet50'), ('fcn.py', 'fcn_resnet101'), ('deeplabv3.py', 'deeplabv3_resnet50'),
             ('deeplabv3.py', 'deeplabv3_resnet101'), ('deeplabv3.py', 'deeplabv3_mobilenet_v3_large'),
             ('lraspp.py', 'lraspp_mobilenet_v3_large')]:
    add(SEG + f, f'{n}(weights_backbone=None)', img(2, 3, 64))
for f, n in [('fcn.py', 'fcn_resnet50'), ('deeplabv3.py', 'deeplabv3_resnet50')]:
    add(SEG + f, f'{n}(weights_backbone=None, aux_loss=True)', img(2, 3, 64), id=n + '_aux')

# Detection: evaluation mode (training needs targets), real initial weights since which boxes survive
# (and so the shapes of the heads) depends on the scores; images resized to 128 to stay cheap.
DET = TV + 'detection/'
SMALL = 'weights_backbone=None, min_size=128, max_size=128'
for f, n, kw in [('faster_rcnn.py', 'fasterrcnn_resnet50_fpn', SMALL), ('faster_rcnn.py', 'fasterrcnn_resnet50_fpn_v2', SMALL),
                 ('faster_rcnn.py', 'fasterrcnn_mobilenet_v3_large_fpn', SMALL),
                 ('faster_rcnn.py', 'fasterrcnn_mobilenet_v3_large_320_fpn', 'weights_backbone=None'),
                 ('fcos.py', 'fcos_resnet50_fpn', SMALL), ('retinanet.py', 'retinanet_resnet50_fpn', SMALL),
                 ('retinanet.py', 'retinanet_resnet50_fpn_v2', SMALL), ('mask_rcnn.py', 'maskrcnn_resnet50_fpn', SMALL),
                 ('mask_rcnn.py', 'maskrcnn_resnet50_fpn_v2', SMALL), ('keypoint_rcnn.py', 'keypointrcnn_resnet50_fpn', SMALL),
                 ('ssd.py', 'ssd300_vgg16', 'weights_backbone=None'), ('ssdlite.py', 'ssdlite320_mobilenet_v3_large', 'weights_backbone=None')]:
    add(DET + f, f'{n}({kw})', '[torch.rand(3, 128, 128)]', mode='eval', values=True)

# Video (batch, channels, frames, height, width); S3D and MViT need their full 16×224×224 clip.
for n in ['r3d_18', 'mc3_18', 'r2plus1d_18']:
    add(TV + 'video/resnet.py', f'{n}()', 'torch.randn(2, 3, 4, 32, 32)')
add(TV + 'video/s3d.py', 's3d()', 'torch.randn(1, 3, 16, 224, 224)')
add(TV + 'video/mvit.py', 'mvit_v1_b()', 'torch.randn(1, 3, 16, 224, 224)')
add(TV + 'video/mvit.py', 'mvit_v2_s()', 'torch.randn(1, 3, 16, 224, 224)')

# Optical flow: two frames, two refinement steps.
for n in ['raft_small', 'raft_large']:
    add(TV + 'optical_flow/raft.py', f'{n}()', 'torch.randn(1, 3, 64, 64), torch.randn(1, 3, 64, 64), num_flow_updates=2')

# Quantizable variants, unquantized (their default): same layers plus QuantStub/DeQuantStub.
Q = TV + 'quantization/'
for f, names, size in [('resnet.py', ['resnet18', 'resnet50', 'resnext101_32x8d', 'resnext101_64x4d'], 64),
                       ('googlenet.py', ['googlenet'], 224), ('inception.py', ['inception_v3'], 299),
                       ('mobilenetv2.py', ['mobilenet_v2'], 64), ('mobilenetv3.py', ['mobilenet_v3_large'], 64),
                       ('shufflenetv2.py', ['shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'shufflenet_v2_x1_5', 'shufflenet_v2_x2_0'], 64)]:
    for n in names:
        add(Q + f, f'{n}()', img(2, 3, size), id='quantization_' + n)

# ------------------------------------------------------------------------------------------------
# torchaudio
TA = 'torchaudio/models/'
add(TA + 'wav2letter.py', 'Wav2Letter()', 'torch.randn(2, 1, 4000)')
add(TA + 'wav2letter.py', "Wav2Letter(input_type='mfcc', num_features=13)", 'torch.randn(2, 13, 100)', id='Wav2Letter_mfcc')
add(TA + 'deepspeech.py', 'DeepSpeech(n_feature=40)', 'torch.randn(2, 1, 50, 40)')
add(TA + 'deepspeech.py', 'FullyConnected(40, 32, dropout=0.1)', 'torch.randn(2, 10, 40)')
add(TA + 'conv_tasnet.py', 'conv_tasnet_base()', 'torch.randn(2, 1, 800)')
add(TA + 'conv_tasnet.py', 'ConvBlock(io_channels=16, hidden_channels=32, kernel_size=3, padding=1)', 'torch.randn(2, 16, 50)')
add(TA + 'conv_tasnet.py', 'MaskGenerator(input_dim=16, num_sources=2, kernel_size=3, num_feats=16, num_hidden=32, num_layers=2, num_stacks=2, msk_activate="sigmoid")', 'torch.randn(2, 16, 50)')
add(TA + 'wavernn.py', 'WaveRNN(upsample_scales=[5, 5, 8], n_classes=512, hop_length=200)', 'torch.randn(2, 1, 1200), torch.randn(2, 1, 128, 10)')
add(TA + 'wavernn.py', 'MelResNet()', 'torch.randn(2, 128, 10)')
add(TA + 'wavernn.py', 'UpsampleNetwork([5, 5, 8])', 'torch.randn(2, 128, 10)')
add(TA + 'wavernn.py', 'ResBlock()', 'torch.randn(2, 128, 10)')
add(TA + 'wavernn.py', 'Stretch2d(2, 3)', 'torch.randn(2, 1, 4, 5)')
add(TA + 'tacotron2.py', 'Tacotron2()', 'torch.randint(0, 148, (2, 20)), torch.tensor([20, 15]), torch.randn(2, 80, 30), torch.tensor([30, 25])')
add(TA + 'conformer.py', 'Conformer(input_dim=80, num_heads=4, ffn_dim=128, num_layers=2, depthwise_conv_kernel_size=31)', 'torch.randn(2, 40, 80), torch.tensor([40, 30])')
add(TA + 'conformer.py', 'ConformerLayer(input_dim=80, ffn_dim=128, num_attention_heads=4, depthwise_conv_kernel_size=31)', 'torch.randn(40, 2, 80), None')
add(TA + 'emformer.py', 'Emformer(input_dim=128, num_heads=4, ffn_dim=256, num_layers=2, segment_length=4)', 'torch.randn(2, 12, 128), torch.tensor([12, 10])')
add(TA + 'rnnt.py', 'emformer_rnnt_base(num_symbols=100)', 'torch.randn(2, 40, 80), torch.tensor([40, 36]), torch.randint(0, 100, (2, 5)), torch.tensor([5, 4])')
for n in ['hdemucs_low', 'hdemucs_medium']:
    add(TA + '_hdemucs.py', f"{n}(sources=['bass', 'drums', 'other', 'vocals'])", 'torch.randn(1, 2, 4096)')
W2V = TA + 'wav2vec2/model.py'
# Those with LayerDrop (layer_drop > 0) are recorded in eval mode because training mode drops layers
# at random (each runs only if torch.rand(1).item() > layer_drop), so which layers ran is chance.
LAYER_DROP = {'wav2vec2_base', 'wav2vec2_large', 'wav2vec2_large_lv60k', 'hubert_base'}
for n in ['wav2vec2_base', 'wav2vec2_large', 'wav2vec2_large_lv60k', 'hubert_base', 'hubert_large', 'hubert_xlarge']:
    add(W2V, f'{n}()', 'torch.randn(2, 4000)', mode='eval' if n in LAYER_DROP else 'train')
add(W2V, 'wav2vec2_base(aux_num_out=32)', 'torch.randn(2, 4000)', id='wav2vec2_base_ctc', mode='eval')

# ------------------------------------------------------------------------------------------------
# torchtext (its package __init__ does not import on Debian; load_module loads the files alone)
RB = 'torchtext/models/roberta/'
ENC = 'vocab_size=1000, embedding_dim=64, ffn_dimension=128, padding_idx=1, max_seq_len=64, num_attention_heads=4, num_encoder_layers=2'
add(RB + 'model.py', f'RobertaModel(RobertaEncoderConf({ENC}), RobertaClassificationHead(num_classes=2, input_dim=64))', 'torch.randint(2, 1000, (2, 16))')
add(RB + 'model.py', f'RobertaEncoder({ENC}, dropout=0.1)', 'torch.randint(2, 1000, (2, 16))')
add(RB + 'model.py', 'RobertaClassificationHead(num_classes=2, input_dim=64)', 'torch.randn(2, 16, 64)')
add(RB + 'modules.py', 'PositionalEmbedding(64, 32, 1)', 'torch.randint(2, 64, (2, 16))')

# ------------------------------------------------------------------------------------------------
# torch's own: the transformer stack, and the models of its quantization tests
TR = 'torch/nn/modules/transformer.py'
add(TR, 'Transformer(d_model=32, nhead=4, num_encoder_layers=2, num_decoder_layers=2, dim_feedforward=64)', 'torch.randn(10, 2, 32), torch.randn(7, 2, 32)')
add(TR, 'Transformer()', 'torch.randn(10, 2, 512), torch.randn(7, 2, 512)', id='Transformer_default')
add(TR, 'TransformerEncoder(TransformerEncoderLayer(32, 4, 64), 2)', 'torch.randn(10, 2, 32)')
add(TR, 'TransformerDecoder(TransformerDecoderLayer(32, 4, 64), 2)', 'torch.randn(7, 2, 32), torch.randn(10, 2, 32)')
add(TR, 'TransformerEncoderLayer(32, 4, 64)', 'torch.randn(10, 2, 32)')
add(TR, 'TransformerEncoderLayer(32, 4, 64, batch_first=True, norm_first=True)', 'torch.randn(2, 10, 32)', id='TransformerEncoderLayer_norm_first')
add(TR, 'TransformerDecoderLayer(32, 4, 64)', 'torch.randn(7, 2, 32), torch.randn(10, 2, 32)')
CQ = 'torch/testing/_internal/common_quantization.py'
for n, call in [
    ('SingleLayerLinearModel', 'torch.rand(1, 5)'), ('AnnotatedSingleLayerLinearModel', 'torch.rand(1, 5)'),
    ('SingleLayerLinearDynamicModel', 'torch.rand(1, 5)'), ('LinearAddModel', 'torch.rand(1, 5)'),
    ('ConvModel', 'torch.rand(1, 3, 5, 5)'), ('ConvTransposeModel', 'torch.rand(1, 3, 5, 5)'),
    ('ConvBnModel', 'torch.rand(1, 3, 5, 5)'), ('AnnotatedConvBnModel', 'torch.rand(1, 3, 5, 5)'),
    ('ConvBnReLUModel', 'torch.rand(1, 3, 5, 5)'), ('AnnotatedConvBnReLUModel', 'torch.rand(1, 3, 5, 5)'),
    ('TwoLayerConvModel', 'torch.rand(1, 3, 5, 5)'), ('TwoLayerLinearModel', 'torch.rand(1, 5)'),
    ('AnnotatedTwoLayerLinearModel', 'torch.rand(1, 5)'), ('LinearReluModel', 'torch.rand(1, 5)'),
    ('LinearReluLinearModel', 'torch.rand(1, 5)'), ('LinearReluAddModel', 'torch.rand(1, 5)'),
    ('ConvReluModel', 'torch.rand(1, 3, 5, 5)'), ('ConvReluConvModel', 'torch.rand(1, 3, 5, 5)'),
    ('ConvReluAddModel', 'torch.rand(1, 3, 5, 5)'), ('FunctionalLinear', 'torch.rand(1, 5)'),
    ('FunctionalConv2d', 'torch.rand(1, 3, 5, 5)'), ('LinearModelWithSubmodule', 'torch.rand(2, 5)'),
    ('ActivationsTestModel', 'torch.rand(2, 5)'), ('NormalizationTestModel', 'torch.rand(2, 5)'),
    ('NestedModel', 'torch.rand(2, 5)'), ('AnnotatedSubNestedModel', 'torch.rand(2, 5)'),
    ('AnnotatedCustomConfigNestedModel', 'torch.rand(2, 5)'), ('QuantSubModel', 'torch.rand(2, 5)'),
    ('InnerModule', 'torch.rand(2, 5)'), ('SingleLayerFunctionalLinearModel', 'torch.rand(2, 5)'),
    ('TwoLayerFunctionalLinearModel', 'torch.rand(2, 5)'), ('FunctionalLinearAddModel', 'torch.rand(2, 5)'),
    ('FunctionalLinearReluModel', 'torch.rand(2, 5)'), ('FunctionalLinearReluLinearModel', 'torch.rand(2, 5)'),
    ('SingleLayerFunctionalConvModel', 'torch.rand(2, 3, 5, 5)'), ('TwoLayerFunctionalConvModel', 'torch.rand(2, 3, 5, 5)'),
    ('FunctionalConvReluModel', 'torch.rand(2, 3, 5, 5)'), ('FunctionalConvReluConvModel', 'torch.rand(2, 3, 5, 5)'),
    ('SkipQuantModel', 'torch.rand(2, 5)'), ('QuantStubModel', 'torch.rand(2, 5)'),
    ('ManualLinearDynamicQATModel', 'torch.rand(2, 5)'), ('ManualConvLinearQATModel', 'torch.rand(2, 3, 10, 10)'),
    ('ManualConvLinearSymmQATModel', 'torch.rand(2, 3, 10, 10)'), ('ManualEmbeddingBagLinear', 'torch.randint(0, 10, (2, 12))'),
    ('DeFusedEmbeddingBagLinear', 'torch.randint(0, 10, (2, 12))'), ('SubModelForFusion', 'torch.rand(2, 2, 5, 5)'),
    ('SubModelWithoutFusion', 'torch.rand(2, 2, 5, 5)'), ('ConvBNReLU', 'torch.rand(2, 3, 5, 5)'),
    ('ModelWithSequentialFusion', 'torch.rand(2, 3, 10, 10)'), ('ModelForFusionWithBias', 'torch.rand(2, 3, 5, 5)'),
    ('ModelForConvTransposeBNFusion', 'torch.rand(2, 3, 8)'), ('ModelWithFunctionals', 'torch.rand(2, 5)'),
    ('ResNetBase', 'torch.rand(2, 3, 5, 5)'), ('ModelMultipleOps', 'torch.rand(2, 3, 5, 5)'),
    ('ModelMultipleOpsNoAvgPool', 'torch.rand(2, 3, 10, 10)'), ('EmbeddingModule', 'torch.randint(0, 10, (2, 12))'),
]:
    add(CQ, f'{n}()', call)


# ------------------------------------------------------------------------------------------------

def first_tensor(v):
    if isinstance(v, torch.Tensor):
        return v
    if isinstance(v, dict):
        v = list(v.values())
    if isinstance(v, (list, tuple)):
        for x in v:
            t = first_tensor(x)
            if t is not None:
                return t
    return None


def shape_of(v):
    t = first_tensor(v)
    return None if t is None else list(t.shape)


def load_module(path):
    """The module object of a dist-packages file, imported under its own name."""
    name = path[:-3].replace('/', '.')
    if name.endswith('.__init__'):
        name = name[:-9]
    if name.startswith('torchtext.'):
        # Debian's torchtext package __init__ loads a C++ extension that fails to import; its model
        # files need only torch, so their parent packages are made empty and the files loaded alone.
        parts = name.split('.')
        for k in range(1, len(parts)):
            pkg = '.'.join(parts[:k])
            if pkg not in sys.modules:
                m = types.ModuleType(pkg)
                m.__path__ = [os.path.join(SITE, *parts[:k])]
                sys.modules[pkg] = m
    if name.startswith('torch.testing._internal.') and 'expecttest' not in sys.modules:
        # common_utils imports the expecttest package (not in Debian) for its TestCase base only.
        import unittest
        stub = types.ModuleType('expecttest')
        stub.TestCase = unittest.TestCase
        stub.ACCEPT = False
        sys.modules['expecttest'] = stub
    return importlib.import_module(name)


def is_entry(module, file_module):
    """A call of this module is one entry (its insides are not); other modules are traced through.
    torch.nn's classes are entries, composites included (MultiheadAttention, TransformerEncoderLayer),
    except the containers; torch's other classes (torch.ao.quantization's QuantStub, QuantWrapper)
    are entries when they have no submodules; the classes of torchvision, torchaudio, torchtext and of
    the file itself are traced through."""
    cls = type(module)
    if cls in CONTAINERS:
        return False
    m = cls.__module__
    if m.startswith(('torch.nn.', 'torch.ao.nn.')):
        return True
    if torch_layer_base(cls) is not None:
        return True
    return m.startswith('torch.') and m != file_module and not any(True for _ in module.children())


def torch_layer_base(cls):
    """For a class of another package that is a torch.nn layer with only its constructor changed
    (torchvision's Conv3DSimple(nn.Conv3d)): that layer, whose forward it runs. Such a module is one
    entry, typed by the layer (the engine builds it as that layer). None for anything else."""
    if cls.__module__.startswith('torch.'):
        return None
    for base in cls.__mro__[1:]:
        if base.__module__.startswith('torch.nn.modules.') and base is not nn.Module and base not in CONTAINERS:
            return base if cls.forward is base.forward else None
    return None


class fast_init:
    """Skips weight initialisation while a model is built: shapes do not depend on the values, and
    initialising the largest models (600M parameters) costs minutes on a shared machine."""

    def __enter__(self):
        self.saved = {}
        for k in dir(nn.init):
            f = getattr(nn.init, k)
            if k.endswith('_') and not k.startswith('_') and callable(f):
                self.saved[k] = f
                setattr(nn.init, k, lambda t, *a, **kw: t)
        return self

    def __exit__(self, *exc):
        for k, f in self.saved.items():
            setattr(nn.init, k, f)


def record(entry):
    mod = load_module(entry['file'])
    ns = dict(vars(mod))
    ns['torch'] = torch
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        if entry.get('values'):
            model = eval(entry['construct'], ns)
        else:
            with fast_init():
                model = eval(entry['construct'], ns)
                # Uninitialised memory may hold NaN or huge values; zeros keep every op finite.
                for p in model.parameters():
                    p.data.zero_()
        ns['_tl_args'] = lambda *a, **kw: (a, kw)
        args, kwargs = eval(f"_tl_args({entry['call']})", ns)
    model.train(entry['mode'] == 'train')
    names = {}
    for n, m in model.named_modules():
        names.setdefault(id(m), n)
    layers = []
    hooked = set()
    handles = []

    def hook(m, _inp, out):
        kind = (torch_layer_base(type(m)) or type(m)).__name__
        layers.append([names[id(m)], kind, shape_of(out), sum(p.numel() for p in set(m.parameters()))])

    def visit(m, root):
        if id(m) in hooked:
            return
        hooked.add(id(m))
        if not root and is_entry(m, mod.__name__):
            handles.append(m.register_forward_hook(hook))
            return
        for ch in m.children():
            visit(ch, False)

    visit(model, True)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter('ignore')
        out = model(*args, **kwargs)
    for h in handles:
        h.remove()
    return {
        **entry,
        'class': type(model).__name__,
        'inputs': [list(a.shape) if isinstance(a, torch.Tensor) else None for a in args],
        'output': shape_of(out),
        'params': sum(p.numel() for p in set(model.parameters())),
        'layers': layers,
    }


def sha256(path):
    with open(os.path.join(SITE, path), 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    prefixes = sys.argv[1:]
    old = {}
    if prefixes and os.path.exists(OUT):
        with open(OUT) as f:
            old = {m['id']: m for m in json.load(f)['models']}
    torch.set_num_threads(1)
    ids = [e['id'] for e in CATALOGUE]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        sys.exit(f'duplicate ids in the catalogue: {sorted(dup)}')
    models = []
    failed = []
    for e in CATALOGUE:
        if prefixes and not any(e['id'].startswith(p) for p in prefixes):
            if e['id'] in old:
                models.append(old[e['id']])
            continue
        try:
            r = record(e)
        except Exception as ex:  # noqa: BLE001 - a catalogue entry PyTorch cannot run is a catalogue bug
            failed.append(f"{e['id']}: PyTorch fails: {type(ex).__name__}: {str(ex).splitlines()[0] if str(ex) else ''}")
            print(failed[-1], flush=True)
            continue
        print(f"{e['id']}: {r['class']} {len(r['layers'])} entries, {r['params']:,} params", flush=True)
        models.append(r)
        # Written after every model, the unrecorded ones kept as they were, so an interrupted run
        # (the largest models take minutes) loses nothing.
        write(models + [old[x['id']] for x in CATALOGUE[CATALOGUE.index(e) + 1:] if x['id'] in old])
    write(models)
    if failed:
        sys.exit('not recorded (fix the catalogue):\n' + '\n'.join(failed))


def write(models):
    order = {e['id']: k for k, e in enumerate(CATALOGUE)}
    models = sorted(models, key=lambda m: order[m['id']])
    files = sorted({m['file'] for m in models})
    versions = {p: subprocess.run(['dpkg-query', '-W', '-f=${Version}', p], capture_output=True, text=True, check=True).stdout
                for p in sorted(set(PACKAGES.values()))}
    data = {
        'about': 'Recorded by scripts/record-realworld.py with real PyTorch; see test/realworld/README.md.',
        'site': SITE,
        'packages': versions,
        'files': {f: sha256(f) for f in files},
        'models': models,
    }
    with open(OUT + '.tmp', 'w') as f:
        f.write(dump(data))
    os.replace(OUT + '.tmp', OUT)


def dump(data):
    """Indented JSON with each layer entry on one line (the file stays readable and diffable)."""
    def one(v):
        return json.dumps(v, separators=(', ', ': '))

    head = {k: v for k, v in data.items() if k != 'models'}
    text = json.dumps(head, indent=1)[:-2] + ',\n "models": [\n'
    blocks = []
    for m in data['models']:
        fields = [f'  {one(k)}: {one(v)}' for k, v in m.items() if k != 'layers']
        fields.append('  "layers": [\n' + ',\n'.join('   ' + one(l) for l in m['layers']) + '\n  ]')
        blocks.append(' {\n' + ',\n'.join(fields) + '\n }')
    return text + ',\n'.join(blocks) + '\n ]\n}\n'


if __name__ == '__main__':
    main()
