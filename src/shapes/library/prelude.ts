// torch.nn containers whose forward is plain Python over their children, written the way
// torch/nn/modules/transformer.py and torch/ao/quantization/stubs.py write them, so the interpreter
// traces them like user code. FloatFunctional's methods leave out their activation_post_process
// (an Identity until the model is prepared): PyTorch's hooks never see that call either, since it
// does not go through FloatFunctional's own forward.
export const PRELUDE = `
import copy
class TransformerEncoder(nn.Module):
    def __init__(self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True):
        super().__init__()
        self.layers = nn.ModuleList([copy.deepcopy(encoder_layer) for i in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, src, mask=None, src_key_padding_mask=None):
        output = src
        for mod in self.layers:
            # Masks reach the layers only when given, so a trained graph sees (and refuses) them.
            if mask is None and src_key_padding_mask is None:
                output = mod(output)
            else:
                output = mod(output, src_mask=mask, src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            output = self.norm(output)
        return output

class TransformerDecoder(nn.Module):
    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = nn.ModuleList([copy.deepcopy(decoder_layer) for i in range(num_layers)])
        self.num_layers = num_layers
        self.norm = norm

    def forward(self, tgt, memory, tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None):
        output = tgt
        for mod in self.layers:
            output = mod(output, memory)
        if self.norm is not None:
            output = self.norm(output)
        return output

class QuantWrapper(nn.Module):
    def __init__(self, module):
        super().__init__()
        qconfig = module.qconfig if hasattr(module, 'qconfig') else None
        self.add_module('quant', torch.ao.quantization.QuantStub(qconfig))
        self.add_module('dequant', torch.ao.quantization.DeQuantStub(qconfig))
        self.add_module('module', module)

    def forward(self, X):
        X = self.quant(X)
        X = self.module(X)
        return self.dequant(X)

class FloatFunctional(nn.Module):
    def __init__(self):
        super().__init__()
        self.activation_post_process = nn.Identity()

    def add(self, x, y):
        return torch.add(x, y)

    def add_scalar(self, x, y):
        return torch.add(x, y)

    def mul(self, x, y):
        return torch.mul(x, y)

    def mul_scalar(self, x, y):
        return torch.mul(x, y)

    def cat(self, x, dim=0):
        return torch.cat(x, dim=dim)

    def add_relu(self, x, y):
        return torch.relu(torch.add(x, y))
`;
