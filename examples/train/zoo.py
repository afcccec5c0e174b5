"""The architectures examples/train/train.py offers, all made of layers earshot converts (int8
included): PyTorch modules taking (batch, 1, mels, frames) and ending in a softmax.

    stride-ds-N     the thesis' Stride-DS-N: a strided 5x5 convolution (SAME), two strided 5x5
                    depthwise-separable ones (SAME, then VALID; N, 1.5N, 2.25N filters),
                    flatten, dense 64, dense (Stride-DS-24 on 60 x 31: 539,920 MACC)
    stride-ds-N-gap the same, global average pooling instead of flatten + dense 64
    pool-ds-N       Stride-DS-N with stride-1 convolutions and 2x2 max pooling after each
    ds-cnn-N        DS-CNN (Zhang et al., "Hello Edge", 2017): a 10x4 convolution with stride
                    2, four depthwise-separable 3x3 blocks of N filters (the first with stride 2,
                    to stay within an MCU's budget on 60 x 31), global average pooling
    baseline        the thesis' Baseline (include/earshot/model/baseline.hpp, after SB-CNN):
                    5x5 convolutions of 24, 48 (SAME) and 48 (VALID) filters, each followed by
                    batch norm, 3x2 max pooling after the first two, ReLU, flatten, dense 64,
                    dense (on 60 x 31: 10,120,672 MACC, over the 1 M budget: a reference)
    tc-N            a temporal model in the TC-ResNet style: mels as channels, 1-D convolutions
                    over time (written as 2-D ones whose first kernel spans every mel band and
                    whose others are 1 x k), three strided blocks of N, 1.5N, 2N filters, global
                    average pooling
N is any positive integer (e.g. stride-ds-24, ds-cnn-32, tc-32); baseline has no N."""
import re

import torch
import torch.nn as nn
import torch.nn.functional as F


class SamePad(nn.Module):
    """TensorFlow's 'same' padding (more after than before when odd), exported as an ONNX Pad that
    the converter merges into the next layer."""

    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel = kernel if isinstance(kernel, tuple) else (kernel, kernel)
        self.stride = stride if isinstance(stride, tuple) else (stride, stride)

    def forward(self, x):
        pads = []
        for size, kernel, stride in ((x.shape[3], self.kernel[1], self.stride[1]),
                                     (x.shape[2], self.kernel[0], self.stride[0])):
            # ceil(size / stride) without dividing a negative number: torch.onnx records `//` on
            # a traced size as ONNX's truncating Div, so -(-31 // 2) would export as 15, not 16.
            total = max(((size + stride - 1) // stride - 1) * stride + kernel - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads)


def separable(inputs, outputs, kernel, stride, same=True):
    return ([SamePad(kernel, stride)] if same else []) + [
        nn.Conv2d(inputs, inputs, kernel, stride, groups=inputs, bias=False),
        nn.Conv2d(inputs, outputs, 1, bias=False), nn.BatchNorm2d(outputs), nn.ReLU()]


def conv(inputs, outputs, kernel, stride):
    return [SamePad(kernel, stride), nn.Conv2d(inputs, outputs, kernel, stride, bias=False),
            nn.BatchNorm2d(outputs), nn.ReLU()]


def head(channels, classes, hidden):
    """Flatten + dense `hidden` + dense, or (hidden None) global average pooling + dense."""
    if hidden is None:
        return [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.3), nn.Linear(channels, classes)]
    return [nn.Flatten(), nn.Dropout(0.3), nn.LazyLinear(hidden), nn.ReLU(), nn.Dropout(0.3),
            nn.Linear(hidden, classes)]


def stride_ds(width, classes, _n_mels, _frames, gap=False, pool=False):
    widths = [width, width * 3 // 2, width * 9 // 4]
    stride = 1 if pool else 2
    layers = conv(1, widths[0], 5, stride) + ([nn.MaxPool2d(2)] if pool else [])
    layers += separable(widths[0], widths[1], 5, stride) + ([nn.MaxPool2d(2)] if pool else [])
    layers += separable(widths[1], widths[2], 5, stride, same=pool) + ([nn.MaxPool2d(2)] if pool else [])
    return layers + head(widths[-1], classes, None if gap else 64)


def baseline(classes, _n_mels, _frames):
    """Conv-BN-MaxPool-ReLU twice, Conv-BN-ReLU, as the thesis' Baseline orders them (60x31x1 ->
    20x15x24 -> 6x7x48 -> 2x3x48 -> 64 -> classes). The convolutions have no bias: the batch norm
    after each has one, and earshot folds it into the convolution."""
    layers = []
    for inputs, outputs, pool in ((1, 24, True), (24, 48, True), (48, 48, False)):
        layers += [SamePad(5, 1)] if pool else []
        layers += [nn.Conv2d(inputs, outputs, 5, bias=False), nn.BatchNorm2d(outputs)]
        layers += ([nn.MaxPool2d((3, 2))] if pool else []) + [nn.ReLU()]
    return layers + head(48, classes, 64)


def ds_cnn(width, classes, _n_mels, _frames):
    layers = conv(1, width, (10, 4), 2)
    for block in range(4):
        layers += separable(width, width, 3, 2 if block == 0 else 1)
    return layers + head(width, classes, None)


def temporal(width, classes, n_mels, _frames):
    widths = [width, width * 3 // 2, width * 2]
    layers = [nn.Conv2d(1, widths[0], (n_mels, 3), padding=(0, 1), bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()]
    previous = widths[0]
    for w in widths:
        layers += [SamePad((1, 9), (1, 2)), nn.Conv2d(previous, w, (1, 9), (1, 2), bias=False), nn.BatchNorm2d(w),
                   nn.ReLU()]
        previous = w
    return layers + head(widths[-1], classes, None)


ARCHITECTURES = {
    r"stride-ds-(\d+)": lambda n, *shape: stride_ds(n, *shape),
    r"stride-ds-(\d+)-gap": lambda n, *shape: stride_ds(n, *shape, gap=True),
    r"pool-ds-(\d+)": lambda n, *shape: stride_ds(n, *shape, pool=True),
    r"ds-cnn-(\d+)": lambda n, *shape: ds_cnn(n, *shape),
    r"tc-(\d+)": lambda n, *shape: temporal(n, *shape),
    r"baseline": lambda _, *shape: baseline(*shape),
}


def make(name, classes, n_mels, frames):
    """The network `name` for (1, n_mels, frames) windows and `classes` classes, its lazy layers
    initialised, without the final softmax (added at export)."""
    for pattern, build in ARCHITECTURES.items():
        match = re.fullmatch(pattern, name)
        width = int(match.group(1)) if match and match.groups() else None  # None: a fixed architecture
        if match and (width is None or width > 0):
            model = nn.Sequential(*build(width, classes, n_mels, frames))
            with torch.no_grad():
                model.eval()(torch.zeros(1, 1, n_mels, frames))
            return model
    raise SystemExit(f"unknown architecture '{name}' (one of: stride-ds-N, stride-ds-N-gap, pool-ds-N, ds-cnn-N, tc-N, "
                     "baseline)")


def macc(model, n_mels, frames):
    """Multiply-accumulates per window as earshot counts them (convolutions and dense layers)."""
    total = 0

    def count(module, inputs, output):
        nonlocal total
        if isinstance(module, nn.Conv2d):
            total += output.numel() * (module.in_channels // module.groups) * module.kernel_size[0] * module.kernel_size[1]
        elif isinstance(module, nn.Linear):
            total += module.in_features * module.out_features

    hooks = [m.register_forward_hook(count) for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model.eval()(torch.zeros(1, 1, n_mels, frames))
    for hook in hooks:
        hook.remove()
    return total
