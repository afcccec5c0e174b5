#!/usr/bin/python3
"""Writes the converter's test models to tests/data/converter/ with PyTorch's outputs.

Run with Debian's python3 (numpy, torch 1.13, onnx 1.12):  /usr/bin/python3 make_models.py
For every model NAME: NAME.onnx, NAME.input.npy (the input as the framework feeds it, batch 1)
and NAME.output.npy (the framework's output for that input). Models whose name starts with
`reject_` must be refused by the converter; `cases.json` lists every model and, for those,
the words the converter's one-line error must contain.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "converter")


def randomise_parameters(model, generator):
    """PyTorch's default initialisation bounds, drawn from our generator (the modules drew from
    the global one when they were built)."""
    for name, parameter in model.named_parameters():
        fan_in = parameter[0].numel() if parameter.dim() > 1 else 9
        bound = 1.0 / np.sqrt(fan_in)
        parameter.copy_((torch.rand(parameter.shape, generator=generator) * 2 - 1) * bound)


def randomise_batch_norms(model, generator):
    """Running statistics far from (0, 1) so that a wrong fold shows in the outputs."""
    for module in model.modules():
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.5)
            module.running_var.copy_(torch.rand(n, generator=generator) * 1.5 + 0.25)
            module.weight.data.copy_(torch.rand(n, generator=generator) + 0.5)
            module.bias.data.copy_(torch.randn(n, generator=generator) * 0.3)


class ConvBnReluMaxPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(4)
        self.conv2 = nn.Conv2d(4, 6, (3, 2), padding=(1, 0), bias=False)
        self.bn2 = nn.BatchNorm2d(6)
        self.fc = nn.LazyLinear(5)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), (2, 1))
        return self.fc(torch.flatten(x, 1))


class DepthwiseSeparable(nn.Module):
    """Depthwise-separable blocks with stride 2 and PyTorch's symmetric padding."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 8, 3, padding=1)
        self.dw1 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8)
        self.bn1 = nn.BatchNorm2d(8)
        self.pw1 = nn.Conv2d(8, 12, 1)
        self.bn2 = nn.BatchNorm2d(12)
        self.dw2 = nn.Conv2d(12, 24, 5, stride=2, padding=2, groups=12)  # depth multiplier 2
        self.pw2 = nn.Conv2d(24, 10, 1)
        self.fc = nn.Linear(10, 4)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = F.relu(self.bn1(self.dw1(x)))
        x = F.relu(self.bn2(self.pw1(x)))
        x = F.relu(self.pw2(F.relu(self.dw2(x))))
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


class Separable(nn.Module):
    """Depthwise directly followed by pointwise, as Keras' SeparableConv2D (with a depthwise bias
    that the converter moves into the pointwise one)."""

    def __init__(self):
        super().__init__()
        self.dw1 = nn.Conv2d(3, 3, 3, padding=1, groups=3)
        self.pw1 = nn.Conv2d(3, 8, 1)
        self.bn1 = nn.BatchNorm2d(8)
        self.dw2 = nn.Conv2d(8, 16, 3, stride=2, padding=1, groups=8)
        self.pw2 = nn.Conv2d(16, 6, 1)
        self.fc = nn.LazyLinear(3)

    def forward(self, x):
        x = F.relu(self.bn1(self.pw1(self.dw1(x))))
        x = F.relu(self.pw2(self.dw2(x)))
        return self.fc(torch.flatten(x, 1))


class AvgPoolDense(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 5, (5, 3), stride=(2, 1), dilation=(1, 2))
        self.fc1 = nn.LazyLinear(16)
        self.fc2 = nn.Linear(16, 6)

    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.conv(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return F.softmax(self.fc2(x), dim=1)


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 6, 3, padding=1)
        self.conv_a = nn.Conv2d(6, 6, 3, padding=1)
        self.bn_a = nn.BatchNorm2d(6)
        self.conv_b = nn.Conv2d(6, 6, 3, padding=1)
        self.bn_b = nn.BatchNorm2d(6)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        x = F.relu(self.stem(x))
        y = F.relu(self.bn_a(self.conv_a(x)))
        y = self.bn_b(self.conv_b(y))
        x = F.relu(x + y)
        x = F.adaptive_max_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


class Activations(nn.Module):
    """LeakyReLU, ReLU6 (Clip), sigmoid, a global max pool and a Gemm."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1)
        self.conv3 = nn.Conv2d(6, 6, 1)
        self.fc = nn.Linear(6, 4)

    def forward(self, x):
        x = F.leaky_relu(self.conv1(x), 0.1)
        x = F.relu6(self.conv2(x))
        x = torch.sigmoid(self.conv3(x))
        x = F.adaptive_max_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


class GlobalAveragePool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = F.relu6(self.conv(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class PadPool(nn.Module):
    """Zero padding exported as a separate Pad node before pooling and convolution."""

    def __init__(self):
        super().__init__()
        self.pad1 = nn.ZeroPad2d((0, 1, 0, 1))  # left, right, top, bottom: TF-same for 2x2/2
        self.conv = nn.Conv2d(2, 4, 3)
        self.pad2 = nn.ZeroPad2d((1, 1, 2, 0))
        self.fc = nn.LazyLinear(3)

    def forward(self, x):
        x = F.max_pool2d(self.pad1(x), 2)
        x = F.relu(self.conv(self.pad2(x)))
        x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True)
        return self.fc(torch.flatten(x, 1))


class AsymmetricConvPads(nn.Module):
    """A convolution padded 2 above and 1 on the right only, as a Conv's own `pads` attribute
    (conv_pads_from_pad moves the exported Pad into it): every other test model pads a
    convolution evenly, so a converter that read pads [top, left, bottom, right] in another
    order went unnoticed (issue 14)."""

    def __init__(self):
        super().__init__()
        self.pad = nn.ZeroPad2d((0, 1, 2, 0))  # left, right, top, bottom
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.LazyLinear(3)

    def forward(self, x):
        return self.fc(torch.flatten(F.relu(self.conv(self.pad(x))), 1))


def conv_pads_from_pad(model):
    """The exported Pad node removed and its zero padding written as the Conv's pads: ONNX's
    order [x1_begin, x2_begin, x1_end, x2_end], i.e. [top, left, bottom, right] = [2, 0, 0, 1]."""
    graph = model.graph
    pad = next(n for n in graph.node if n.op_type == "Pad")
    conv = next(n for n in graph.node if n.op_type == "Conv")
    conv.input[0] = pad.input[0]
    for attribute in [a for a in conv.attribute if a.name == "pads"]:
        conv.attribute.remove(attribute)
    conv.attribute.append(onnx.helper.make_attribute("pads", [2, 0, 0, 1]))
    graph.node.remove(pad)
    # Then the shape arithmetic that computed the Pad's pads, which nothing reads now.
    while True:
        used = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
        dead = [n for n in graph.node if not any(output in used for output in n.output)]
        if not dead:
            break
        for node in dead:
            graph.node.remove(node)
    for initializer in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(initializer)


class AvgPoolExcludePad(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.fc = nn.LazyLinear(2)

    def forward(self, x):
        x = F.avg_pool2d(self.conv(x), 3, stride=2, padding=1, count_include_pad=False)
        return self.fc(torch.flatten(x, 1))


class ReshapeMatMul(nn.Module):
    """`view` (Shape/Gather/Concat/Reshape) instead of Flatten, and MatMul + Add instead of Gemm."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3, stride=2, padding=1)
        self.weight1 = nn.Parameter(torch.randn(3 * 4 * 3, 8) * 0.2)
        self.bias1 = nn.Parameter(torch.randn(8) * 0.1)
        self.weight2 = nn.Parameter(torch.randn(8, 4) * 0.3)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = x.view(x.size(0), -1)
        x = F.relu(torch.matmul(x, self.weight1) + self.bias1)
        return torch.matmul(x, self.weight2)


class BatchNormAlone(nn.Module):
    """A batch norm on the input and one after an Add: no convolution to fold them into."""

    def __init__(self):
        super().__init__()
        self.bn_in = nn.BatchNorm2d(2)
        self.conv = nn.Conv2d(2, 2, 3, padding=1)
        self.bn_out = nn.BatchNorm2d(2)
        self.fc = nn.LazyLinear(3)

    def forward(self, x):
        x = self.bn_in(x)
        x = F.relu(self.bn_out(self.conv(x) + x))
        return F.softmax(self.fc(torch.flatten(x, 1)), dim=-1)


class ExplicitPaddingPools(nn.Module):
    """PyTorch padding that TensorFlow's SAME cannot express (both sides alike with stride 2 on
    even sizes, or a pool of 2 padded on both sides): convolutions, a dilated one, max and
    average pools with count_include_pad 0 and 1."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 6, 3, stride=2, padding=1)                # 24x20 -> 12x10
        self.conv2 = nn.Conv2d(6, 8, 3, stride=2, padding=2, dilation=2)    # -> 6x5
        self.fc = nn.LazyLinear(3)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = self.conv2(x)
        x = F.max_pool2d(x, 3, stride=2, padding=1)                         # -> 3x3
        x = F.avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=False)  # -> 4x4
        x = F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=True)   # -> 2x2
        return self.fc(torch.flatten(x, 1))


class StrideDs24Torch(nn.Module):
    """Stride-DS-24 as PyTorch code writes it: padding=2 where Keras has SAME, which on the even
    sizes 60 and 30 pads one row above and two below instead of two and two."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 24, 5, stride=2, padding=2)              # 60x31 -> 30x16
        self.bn1 = nn.BatchNorm2d(24)
        self.dw2 = nn.Conv2d(24, 24, 5, stride=2, padding=2, groups=24)    # -> 15x8
        self.pw2 = nn.Conv2d(24, 36, 1)
        self.bn2 = nn.BatchNorm2d(36)
        self.dw3 = nn.Conv2d(36, 36, 5, stride=2, groups=36)               # -> 6x2
        self.pw3 = nn.Conv2d(36, 54, 1)
        self.bn3 = nn.BatchNorm2d(54)
        self.fc1 = nn.Linear(54 * 6 * 2, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.pw2(self.dw2(x))))
        x = F.relu(self.bn3(self.pw3(self.dw3(x))))
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return F.softmax(self.fc2(x), dim=1)


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 3, batch_first=True)

    def forward(self, x):
        return self.lstm(x.flatten(1, 2).transpose(1, 2))[0]


class Upsample(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2, mode="nearest")


class CeilMaxPool(nn.Module):
    def forward(self, x):
        return F.max_pool2d(x, 2, ceil_mode=True)


class ReflectPad(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return self.conv(F.pad(x, (1, 1, 1, 1), mode="reflect"))


class GroupedConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 4, 3, groups=2)

    def forward(self, x):
        return self.conv(x)


class ClampRange(nn.Module):
    def forward(self, x):
        return torch.clamp(x, 0.0, 1.0)


class SwapAxes(nn.Module):
    """Swaps height and width: a real transpose of the data, not a change of layout."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return self.conv(x.transpose(2, 3))


class Temporal1d(nn.Module):
    """A 1-D (TC-ResNet style) model on [batch, mels, frames]: the mels are the first Conv1d's
    channels; batch norms, PReLU per channel, strided, padded (F.pad) and depthwise Conv1d, 1-D
    max and average pooling, a residual Add, a global average pool written as x.mean(2)
    (ReduceMean), a Linear and a BatchNorm1d after it."""

    def __init__(self, mels):
        super().__init__()
        self.conv1 = nn.Conv1d(mels, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm1d(8)
        self.act1 = nn.PReLU(8)
        self.conv2 = nn.Conv1d(8, 8, 5, stride=2)
        self.bn2 = nn.BatchNorm1d(8)
        self.depthwise = nn.Conv1d(8, 8, 3, padding=1, groups=8)
        self.pointwise = nn.Conv1d(8, 12, 1)
        self.fc = nn.Linear(12, 4)
        self.bn3 = nn.BatchNorm1d(4)

    def forward(self, x):
        x = self.act1(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(F.pad(x, (2, 1)))))
        x = F.max_pool1d(x, 2)
        x = x + F.relu(self.depthwise(x))
        x = F.avg_pool1d(F.elu(self.pointwise(x), 0.5), 3, stride=1, padding=1, count_include_pad=False)
        return self.bn3(self.fc(x.mean(2)))


class Conv1dFlatten(nn.Module):
    """A Conv1d whose [batch, channels, length] output is flattened (channel-major in PyTorch,
    length-major in earshot's NHWC: the Dense is permuted), with tanh and a global max pool."""

    def __init__(self, mels):
        super().__init__()
        self.conv1 = nn.Conv1d(mels, 5, 4, stride=2, dilation=2)
        self.conv2 = nn.Conv1d(5, 6, 3)
        self.fc = nn.LazyLinear(3)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        return self.fc(torch.flatten(torch.tanh(self.conv2(x)), 1))


class GatedActivations(nn.Module):
    """SiLU and HardSwish as exporters write them at opset 13 (x * sigmoid(x), x * hardsigmoid(x)),
    ELU, tanh, a shared PReLU slope and x.mean((2, 3)) as the global average pool."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 6, 3, stride=2)
        self.conv3 = nn.Conv2d(6, 6, 1)
        self.conv4 = nn.Conv2d(6, 5, 3, padding=1)
        self.act = nn.PReLU()
        self.fc = nn.Linear(5, 4)

    def forward(self, x):
        x = F.silu(self.conv1(x))
        x = F.hardswish(self.conv2(x) * 3.0)  # large enough to reach both ends of the hard gate
        x = F.elu(self.conv3(x))
        x = self.act(torch.tanh(self.conv4(x)) - 0.25)
        return self.fc(x.mean((2, 3)))


class HardSwishOp(nn.Module):
    """HardSwish as one operator (opset 14), x.amax((2, 3), keepdim=True) (ReduceMax) as the
    global max pool, a Softmax."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 6, 3)
        self.fc = nn.Linear(6, 3)

    def forward(self, x):
        x = F.hardswish(self.conv(x) * 4.0)
        return F.softmax(self.fc(torch.flatten(x.amax((2, 3), keepdim=True), 1)), dim=-1)


class ConstantArithmetic(nn.Module):
    """Arithmetic with constants: input normalisation (x - mean) / std with nothing before it to
    fold into; a per-channel scale and shift on a convolution's output and a scale and shift
    after a Linear, folded; a scale after a ReLU, which stays a layer."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3)
        self.register_buffer("gain", torch.tensor([0.5, -1.5, 2.0]).reshape(1, 3, 1, 1))
        self.register_buffer("offset", torch.tensor([0.1, 0.2, -0.3]).reshape(3, 1, 1))
        self.fc = nn.LazyLinear(4)

    def forward(self, x):
        x = (x - 0.3) / 2.0
        x = F.relu(self.conv(x) * self.gain + self.offset)
        x = torch.flatten(x * 0.75, 1)
        return 1.0 - self.fc(x) * 2.0


class StandardisedAutoencoder(nn.Module):
    """An autoencoder as examples/machine writes it: the flattened input standardised per value
    ((x - mean) / std, folded into the first Linear, which reads it), and the output scaled back
    (folded into the last)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.linspace(-2.0, 2.0, 20))
        self.register_buffer("std", torch.linspace(0.5, 1.5, 20))
        self.encode = nn.Linear(20, 6)
        self.decode = nn.Linear(6, 20)

    def forward(self, x):
        x = (torch.flatten(x, 1) - self.mean) / self.std
        return self.decode(F.relu(self.encode(x))) * self.std + self.mean


class ProductOfBranches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 2, 3)
        self.b = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return self.a(x) * self.b(x)


class Inception(nn.Module):
    """Inception-style branches joined by torch.cat on the channels: a 1x1 convolution, a 3x3
    one with ReLU, a padded max pool then 1x1, and the input itself; then a DenseNet-style join of
    a convolution's output with a convolution of it."""

    def __init__(self):
        super().__init__()
        self.point = nn.Conv2d(2, 3, 1)
        self.wide = nn.Conv2d(2, 4, 3, padding=1)
        self.pooled = nn.Conv2d(2, 2, 1)
        self.join = nn.Conv2d(11, 6, 3, stride=2)
        self.grow = nn.Conv2d(6, 5, 3, padding=1)
        self.fc = nn.LazyLinear(4)

    def forward(self, x):
        x = torch.cat([self.point(x), F.relu(self.wide(x)), self.pooled(F.max_pool2d(x, 3, 1, 1)), x], 1)
        x = F.relu(self.join(x))
        x = torch.cat([x, F.relu(self.grow(x))], 1)
        return self.fc(torch.flatten(x, 1))


class ConcatRows(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Conv2d(1, 2, 3)
        self.b = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return torch.cat([self.a(x), self.b(x)], 2)


class ScalePerRow(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.register_buffer("rows", torch.arange(4.0).reshape(1, 1, 4, 1))

    def forward(self, x):
        return self.conv(x) * self.rows


class DepthwiseOnMels(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(6, 6, 3, groups=6)

    def forward(self, x):
        return self.conv(x).mean(2)


def export_torch(name, model, input_shape, seed, opset=13, cases=None, reject=None,
                 fold_bn=False, fold_constants=True, edit=None):
    """fold_bn=False keeps the BatchNormalization nodes (TrainingMode.PRESERVE on a module in
    eval mode), so that the converter's own folding is tested; fold_constants=False leaves the
    shape arithmetic that `view` and `F.pad` produce for the converter to evaluate."""
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    with torch.no_grad():
        x = torch.randn(*input_shape, generator=generator)
        model(x)  # gives the lazy layers their sizes
        randomise_parameters(model, generator)
        randomise_batch_norms(model, generator)
        y = model(x)
    path = os.path.join(OUT, name + ".onnx")
    mode = torch.onnx.TrainingMode.EVAL if fold_bn else torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"],
                      output_names=["output"], do_constant_folding=fold_constants,
                      training=mode)
    if edit is not None:
        m = onnx.load(path)
        edit(m)
        onnx.save(m, path)
    finish(name, path, x.numpy(), y.numpy(), cases, reject)


def global_max_pool_instead_of_max_pool(model):
    """torch writes adaptive_max_pool2d(x, 1) as a MaxPool over the whole input; other exporters
    write GlobalMaxPool, which computes the same."""
    for node in model.graph.node:
        if node.op_type == "MaxPool":
            node.op_type = "GlobalMaxPool"
            del node.attribute[:]


def finish(name, path, x, y, cases, reject):
    m = onnx.load(path)
    m.producer_name = m.producer_name or "earshot make_models.py"
    onnx.checker.check_model(m)
    onnx.save(m, path)
    entry = {"name": name, "opset": m.opset_import[0].version,
             "ops": sorted({n.op_type for n in m.graph.node})}
    if reject is None:
        np.save(os.path.join(OUT, name + ".input.npy"), x.astype(np.float32))
        np.save(os.path.join(OUT, name + ".output.npy"), y.astype(np.float32))
        entry["input_shape"] = list(x.shape)
        entry["output_shape"] = list(y.shape)
    else:
        entry["reject"] = reject
    cases.append(entry)


def make_tf2onnx_like(cases):
    """A Keras-style model as tf2onnx writes it: NHWC input, Transpose to NCHW around the
    convolution, Transpose back, Reshape of the NHWC tensor, MatMul + Add. Written by hand
    (no TensorFlow here); the reference is computed with PyTorch from the same weights."""
    rng = np.random.default_rng(41)
    h, w, c, k = 9, 8, 2, 5
    x = rng.standard_normal((1, h, w, c)).astype(np.float32)
    conv_w = (rng.standard_normal((k, c, 3, 3)) * 0.3).astype(np.float32)
    conv_b = (rng.standard_normal(k) * 0.1).astype(np.float32)
    dw_w = (rng.standard_normal((k, 1, 3, 3)) * 0.3).astype(np.float32)
    out_h, out_w = 3, 2  # 9x8 -> (SAME stride 2) 5x4 -> (VALID 3x3 depthwise) 3x2
    dense_w = (rng.standard_normal((out_h * out_w * k, 4)) * 0.2).astype(np.float32)
    dense_b = (rng.standard_normal(4) * 0.1).astype(np.float32)

    # Reference: TF's SAME for 9x8, kernel 3, stride 2: pad rows 1/1, columns 0/1.
    t = torch.from_numpy(x).permute(0, 3, 1, 2)
    t = F.pad(t, (0, 1, 1, 1))
    t = F.relu(F.conv2d(t, torch.from_numpy(conv_w), torch.from_numpy(conv_b), stride=2))
    t = F.relu6(F.conv2d(t, torch.from_numpy(dw_w), groups=k))
    t = t.permute(0, 2, 3, 1).reshape(1, -1)
    y = (t @ torch.from_numpy(dense_w) + torch.from_numpy(dense_b)).numpy()

    init = [numpy_helper.from_array(conv_w, "conv/kernel"),
            numpy_helper.from_array(conv_b, "conv/bias"),
            numpy_helper.from_array(dw_w, "dw/kernel"),
            numpy_helper.from_array(dense_w, "dense/kernel"),
            numpy_helper.from_array(dense_b, "dense/bias"),
            numpy_helper.from_array(np.array([-1, out_h * out_w * k], np.int64), "flatten/shape")]
    nodes = [
        helper.make_node("Transpose", ["input_1"], ["to_nchw"], perm=[0, 3, 1, 2],
                         name="model/conv/Conv2D__6"),
        helper.make_node("Conv", ["to_nchw", "conv/kernel", "conv/bias"], ["conv"],
                         kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER",
                         dilations=[1, 1], group=1, name="model/conv/BiasAdd"),
        helper.make_node("Relu", ["conv"], ["relu"], name="model/conv/Relu"),
        helper.make_node("Conv", ["relu", "dw/kernel"], ["dw"], kernel_shape=[3, 3],
                         pads=[0, 0, 0, 0], group=k, name="model/dw/depthwise"),
        helper.make_node("Clip", ["dw", "min", "max"], ["relu6"], name="model/dw/Relu6"),
        helper.make_node("Transpose", ["relu6"], ["to_nhwc"], perm=[0, 2, 3, 1],
                         name="model/dw/Relu6__12"),
        helper.make_node("Reshape", ["to_nhwc", "flatten/shape"], ["flat"],
                         name="model/flatten/Reshape"),
        helper.make_node("MatMul", ["flat", "dense/kernel"], ["matmul"],
                         name="model/dense/MatMul"),
        helper.make_node("Add", ["matmul", "dense/bias"], ["dense"], name="model/dense/BiasAdd"),
    ]
    init += [numpy_helper.from_array(np.array(0, np.float32), "min"),
             numpy_helper.from_array(np.array(6, np.float32), "max")]
    graph = helper.make_graph(
        nodes, "tf2onnx_like",
        [helper.make_tensor_value_info("input_1", TensorProto.FLOAT, ["unk__0", h, w, c])],
        [helper.make_tensor_value_info("dense", TensorProto.FLOAT, ["unk__1", 4])], init)
    model = helper.make_model(graph, producer_name="tf2onnx", producer_version="1.9.3",
                              opset_imports=[helper.make_opsetid("", 13)])
    path = os.path.join(OUT, "tf2onnx_like.onnx")
    onnx.save(model, path)
    finish("tf2onnx_like", path, x, y, cases, None)


def make_handwritten_rejects(cases):
    """Attributes that torch never writes but other exporters do."""
    rng = np.random.default_rng(7)
    w = numpy_helper.from_array((rng.standard_normal((2, 1, 2, 2))).astype(np.float32), "w")
    w36 = numpy_helper.from_array((rng.standard_normal((1, 1))).astype(np.float32), "w36")

    shape_0 = numpy_helper.from_array(np.array([1, 0], np.int64), "shape_0")

    def save(name, nodes, reject, out_shape, opset=13):
        graph = helper.make_graph(
            nodes if isinstance(nodes, list) else [nodes], name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 6, 6])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, out_shape)],
            [w, w36] + ([shape_0] if opset >= 14 else []))
        model = helper.make_model(graph, producer_name="earshot make_models.py",
                                  opset_imports=[helper.make_opsetid("", opset)])
        path = os.path.join(OUT, name + ".onnx")
        onnx.save(model, path)
        finish(name, path, None, None, cases, reject)

    save("reject_conv_same_lower",
         helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[2, 2], auto_pad="SAME_LOWER",
                          name="conv_same_lower"),
         ["conv_same_lower", "Conv", "auto_pad"], [1, 2, 6, 6])
    save("reject_transpose_nonlayout",
         [helper.make_node("Transpose", ["x"], ["nhwc"], perm=[0, 2, 3, 1], name="to_nhwc"),
          helper.make_node("Relu", ["nhwc"], ["relu"], name="relu"),
          helper.make_node("Transpose", ["relu"], ["y"], perm=[0, 2, 1, 3], name="swap_hw")],
         ["swap_hw", "Transpose", "layout"], [1, 6, 6, 1])
    save("reject_pool_pads",
         helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[2, 2], pads=[2, 0, 0, 0],
                          strides=[2, 2], name="pool_pads"),
         ["pool_pads", "MaxPool", "pads"], [1, 1, 4, 3])
    save("reject_gemm_trans_a",
         [helper.make_node("Flatten", ["x"], ["flat"], name="flatten"),
          helper.make_node("Gemm", ["flat", "w36"], ["y"], transA=1, name="gemm_trans_a")],
         ["gemm_trans_a", "Gemm", "transA"], [36, 1])
    # Opset 14's allowzero=1 makes a 0 in the shape literal: an empty tensor, not "keep".
    save("reject_reshape_allowzero",
         [helper.make_node("Relu", ["x"], ["relu"], name="relu"),
          helper.make_node("Reshape", ["relu", "shape_0"], ["y"], allowzero=1, name="reshape_allowzero")],
         ["reshape_allowzero", "Reshape", "allowzero"], [1, 0], opset=14)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(2)
    cases = []
    export_torch("conv_bn_relu_maxpool", ConvBnReluMaxPool(), (1, 1, 16, 9), 1, cases=cases)
    export_torch("conv_bn_relu_maxpool_folded", ConvBnReluMaxPool(), (1, 1, 16, 9), 1,
                 opset=17, cases=cases, fold_bn=True)
    export_torch("depthwise_separable", DepthwiseSeparable(), (1, 2, 14, 11), 2, cases=cases)
    export_torch("separable", Separable(), (1, 3, 9, 7), 11, cases=cases)
    export_torch("avgpool_dense", AvgPoolDense(), (1, 1, 17, 10), 3, opset=11, cases=cases)
    export_torch("residual", Residual(), (1, 1, 7, 6), 4, cases=cases,
                 edit=global_max_pool_instead_of_max_pool)
    export_torch("activations", Activations(), (1, 1, 8, 7), 5, cases=cases)
    export_torch("global_average_pool", GlobalAveragePool(), (1, 3, 5, 6), 6, cases=cases)
    export_torch("pad_pool", PadPool(), (1, 2, 11, 11), 7, cases=cases, fold_constants=False)
    export_torch("asymmetric_conv_pads", AsymmetricConvPads(), (1, 1, 7, 6), 8, cases=cases, edit=conv_pads_from_pad)
    export_torch("avgpool_exclude_pad", AvgPoolExcludePad(), (1, 1, 7, 5), 8, cases=cases)
    export_torch("reshape_matmul", ReshapeMatMul(), (1, 2, 8, 5), 9, cases=cases,
                 fold_constants=False)
    export_torch("batch_norm_alone", BatchNormAlone(), (1, 2, 5, 4), 10, cases=cases)
    make_tf2onnx_like(cases)
    export_torch("explicit_padding_pools", ExplicitPaddingPools(), (1, 2, 24, 20), 12, cases=cases)
    export_torch("stride_ds_24_torch", StrideDs24Torch(), (1, 1, 60, 31), 13, cases=cases)
    export_torch("temporal_1d", Temporal1d(20), (1, 20, 31), 14, cases=cases)
    export_torch("conv1d_flatten", Conv1dFlatten(12), (1, 12, 17), 15, cases=cases)
    export_torch("gated_activations", GatedActivations(), (1, 1, 9, 8), 16, cases=cases)
    export_torch("hardswish_op", HardSwishOp(), (1, 2, 6, 5), 17, opset=14, cases=cases)
    export_torch("constant_arithmetic", ConstantArithmetic(), (1, 1, 7, 6), 18, cases=cases)
    export_torch("inception", Inception(), (1, 2, 9, 8), 19, cases=cases)
    export_torch("standardised_autoencoder", StandardisedAutoencoder(), (1, 1, 4, 5), 31, cases=cases)

    export_torch("reject_lstm", Lstm(), (1, 1, 4, 6), 20, cases=cases,
                 reject=["LSTM", "supported"])
    export_torch("reject_resize", Upsample(), (1, 1, 4, 4), 21, opset=11, cases=cases,
                 reject=["Resize", "supported"])
    export_torch("reject_maxpool_ceil", CeilMaxPool(), (1, 1, 5, 5), 22, cases=cases,
                 reject=["MaxPool", "ceil_mode"])
    export_torch("reject_pad_reflect", ReflectPad(), (1, 1, 6, 6), 23, cases=cases,
                 reject=["Pad", "reflect"])
    export_torch("reject_transpose_swap", SwapAxes(), (1, 1, 6, 5), 24, cases=cases,
                 reject=["Transpose", "layout"])
    export_torch("reject_grouped_conv", GroupedConv(), (1, 4, 5, 5), 25, cases=cases,
                 reject=["Conv", "group=2"])
    export_torch("reject_clip_range", ClampRange(), (1, 1, 3, 3), 26, cases=cases,
                 reject=["Clip", "Clip(0, 6)"])
    export_torch("reject_mul_tensors", ProductOfBranches(), (1, 1, 6, 6), 27, cases=cases,
                 reject=["Mul", "two tensors computed at run time", "SiLU"])
    export_torch("reject_concat_rows", ConcatRows(), (1, 1, 6, 6), 28, cases=cases,
                 reject=["Concat", "on the channel axis"])
    export_torch("reject_scale_per_row", ScalePerRow(), (1, 1, 6, 6), 29, cases=cases,
                 reject=["Mul", "varies along other axes than the channels"])
    export_torch("reject_depthwise_on_mels", DepthwiseOnMels(), (1, 6, 8), 30, cases=cases,
                 reject=["Conv", "group=6", "mels"])
    make_handwritten_rejects(cases)

    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump(cases, f, indent=1)
        f.write("\n")
    for c in cases:
        print(c["name"], c["opset"], " ".join(c["ops"]), c.get("reject", ""))


if __name__ == "__main__":
    sys.exit(main())
