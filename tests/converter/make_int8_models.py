#!/usr/bin/python3
"""Writes tests/data/converter/int8/: small PyTorch models, one per int8 layer kind, with the
outputs of PyTorch's fake quantization at the scales the converter calibrates. Run with Debian's
Python (torch 1.13, onnx, numpy):

    /usr/bin/python3 tests/converter/make_int8_models.py

For each model NAME: NAME.onnx, NAME.calibration.npy (the representative inputs), NAME.input.npy
(other inputs), NAME.expected.npy (the reference outputs, dequantized) and NAME.json (the output
scale and zero point, so the test counts differences in LSB, and the tolerance: 1 LSB, 2 for the
fused separable convolution whose two halves each round). The reference is computed by torch
alone — F.conv2d / F.linear / pooling on fake-quantized tensors:
torch.fake_quantize_per_tensor_affine for activations, torch.fake_quantize_per_channel_affine for
weights (axis 0, [-127, 127]), the bias rounded at input scale x weight scale — walking the
converter's layer list only for the order of the layers and the scales (quantize.py).
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "data", "converter", "int8")
sys.path.insert(0, os.path.join(ROOT, "cmake"))
import onnx  # noqa: E402
from earshot_converter import passes, quantize  # noqa: E402
from earshot_converter.onnx_import import Converter  # noqa: E402

SEED = 20261201


class Residual(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return F.relu(x + self.conv(x))


class DenseJoin(nn.Module):
    """Concat in int8: Inception-style branches (1x1, 3x3 + ReLU) and a DenseNet-style join of a
    convolution's output with a convolution of it; every input takes the Concat's quantization."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(2, 4, 3, padding=1)
        self.point = nn.Conv2d(4, 3, 1)
        self.wide = nn.Conv2d(4, 5, 3, padding=1)
        self.grow = nn.Conv2d(8, 4, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.stem(x))
        x = torch.cat([self.point(x), F.relu(self.wide(x))], 1)
        return torch.cat([x, F.relu(self.grow(x))], 1)


class Standardised(nn.Module):
    def __init__(self, layers):
        super().__init__()
        self.register_buffer("mean", torch.linspace(-1.0, 1.0, 20))
        self.register_buffer("std", torch.linspace(0.5, 2.0, 20))
        self.layers = layers

    def forward(self, x):
        return self.layers((torch.flatten(x, 1) - self.mean) / self.std) * self.std + self.mean


def with_statistics(batch_norm):
    """Running statistics and an affine part far from the identity, so that a wrong fold shows."""
    n = batch_norm.num_features
    with torch.no_grad():
        batch_norm.running_mean.copy_(torch.randn(n) * 0.5)
        batch_norm.running_var.copy_(torch.rand(n) * 1.5 + 0.25)
        batch_norm.weight.copy_(torch.rand(n) + 0.5)
        batch_norm.bias.copy_(torch.randn(n) * 0.3)
    return batch_norm


def models():
    torch.manual_seed(SEED)
    flat = lambda c, h, w: [nn.Flatten(), nn.Linear(c * h * w, 6)]
    return {
        # The audio models' first layer: 1 channel, 5x5, stride 2, TensorFlow-same padding via F.pad.
        "conv_first_relu": ((1, 1, 12, 10), nn.Sequential(nn.ZeroPad2d((1, 2, 1, 2)), nn.Conv2d(1, 8, 5, 2), nn.ReLU())),
        "conv_relu6_dilated": ((1, 3, 9, 9), nn.Sequential(nn.Conv2d(3, 6, 3, padding=2, dilation=2), nn.ReLU6())),
        "conv_pointwise": ((1, 5, 4, 6), nn.Sequential(nn.Conv2d(5, 7, 1))),
        "depthwise_multiplier": ((1, 3, 8, 8), nn.Sequential(nn.Conv2d(3, 6, 3, stride=2, padding=1, groups=3), nn.ReLU())),
        "separable": ((1, 4, 10, 8), nn.Sequential(nn.Conv2d(4, 4, 5, stride=2, padding=2, groups=4),
                                                   nn.Conv2d(4, 9, 1), nn.ReLU())),
        "maxpool_after_relu": ((1, 2, 8, 8), nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.MaxPool2d(2), nn.ReLU())),
        "avgpool_padded": ((1, 2, 7, 7), nn.Sequential(nn.Conv2d(2, 4, 3), nn.ReLU(),
                                                       nn.AvgPool2d(3, 2, padding=1, count_include_pad=False))),
        "global_average_dense": ((1, 3, 6, 5), nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                                                             nn.Flatten(), nn.Linear(8, 5))),
        "flatten_dense_relu": ((1, 2, 4, 3), nn.Sequential(*flat(2, 4, 3)[:1], nn.Linear(24, 16), nn.ReLU(),
                                                          nn.Linear(16, 4))),
        "residual_add": ((1, 4, 6, 6), nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), nn.ReLU(), Residual(4),
                                                     nn.Conv2d(4, 2, 1))),
        # Activations other than ReLU/ReLU6 are tables (LookupTable). On the model's input (quantized
        # as PyTorch does) and on each other, every table's input is exactly PyTorch's.
        "lookup_activations": ((1, 2, 6, 6), nn.Sequential(nn.SiLU(), nn.ELU(0.5), nn.Hardswish(), nn.Tanh(),
                                                           nn.LeakyReLU(0.2), nn.Sigmoid())),
        # A table fused into the convolution before it, one per channel.
        "prelu_per_channel": ((1, 2, 6, 5), nn.Sequential(nn.Conv2d(2, 5, 3), nn.PReLU(5))),
        # A ReLU with no layer before it to clamp: a table.
        "relu_on_input": ((1, 2, 6, 6), nn.Sequential(nn.ReLU(), nn.Conv2d(2, 4, 3))),
        "concat_branches": ((1, 2, 6, 6), DenseJoin()),
        # Conv1d on [batch, mels, frames], depthwise and pointwise Conv1d, 1-D pooling, a
        # BatchNorm1d after a Linear (folded into it).
        "temporal_1d": ((1, 12, 20), nn.Sequential(
            nn.Conv1d(12, 8, 3, padding=1), nn.ReLU(), nn.Conv1d(8, 8, 3, stride=2, padding=1, groups=8),
            nn.Conv1d(8, 10, 1), nn.ReLU(), nn.MaxPool1d(2), nn.AdaptiveAvgPool1d(1), nn.Flatten(),
            nn.Linear(10, 6), with_statistics(nn.BatchNorm1d(6)), nn.ReLU(), nn.Linear(6, 3))),
        # An autoencoder as examples/machine writes it: the input standardised per value (folded
        # into the first Linear, which reads it) and the output scaled back (into the last).
        "standardised_autoencoder": ((1, 1, 4, 5), Standardised(nn.Sequential(
            nn.Linear(20, 8), nn.ReLU(), nn.Linear(8, 20)))),
    }


class QdqModel(nn.Module):
    """A model quantized in the framework (PyTorch's fake quantization exported as ONNX QDQ):
    the converter takes its scales; its own output is the reference."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 6, 3, stride=2, padding=1)
        self.point = nn.Conv2d(6, 8, 1)
        self.dense = nn.Linear(8 * 4 * 3, 5)

        # Symmetric per-channel weight scales, max|w| / 31 (constants of the graph): coarse, and not the
        # converter's own max|w| / 127, so a test notices if the model's scales are not the ones used.
        for name in ("conv", "point", "dense"):
            w = getattr(self, name).weight.detach()
            self.register_buffer(name + "_scales", (w.abs().amax(dim=list(range(1, w.dim()))) / 31).float())

    def weights(self, name):
        scales = getattr(self, name + "_scales")
        return torch.fake_quantize_per_channel_affine(getattr(self, name).weight, scales,
                                                      torch.zeros(len(scales), dtype=torch.int32), 0, -128, 127)

    def forward(self, x):
        x = torch.fake_quantize_per_tensor_affine(x, 0.03, 5, -128, 127)
        x = F.relu(F.conv2d(x, self.weights("conv"), self.conv.bias, 2, 1))
        x = torch.fake_quantize_per_tensor_affine(x, 0.02, -128, -128, 127)
        x = F.conv2d(x, self.weights("point"), self.point.bias)
        x = torch.fake_quantize_per_tensor_affine(x, 0.025, 3, -128, 127)
        x = torch.flatten(x, 1)
        x = F.linear(x, self.weights("dense"), self.dense.bias)
        return torch.fake_quantize_per_tensor_affine(x, 0.05, -2, -128, 127)


class Uint8Model(nn.Module):
    """Outside the specification: uint8 activations."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)

    def forward(self, x):
        return self.conv(torch.fake_quantize_per_tensor_affine(x, 0.03, 128, 0, 255))


def fq_tensor(x, t):
    return torch.fake_quantize_per_tensor_affine(x, float(t.scale), int(t.zero_point), -128, 127)


def fq_weights(w, scales, axis):
    zeros = torch.zeros(len(scales), dtype=torch.int32)
    return torch.fake_quantize_per_channel_affine(w, torch.tensor(scales, dtype=torch.float32), zeros, axis, -127, 127)


def bias_of(b, input_scale, weight_scales):
    step = torch.tensor(float(input_scale) * weight_scales.astype(np.float64), dtype=torch.float64)
    return (torch.round(b.double() / step) * step).float()


def windows(x, p, fill):
    top, left, bottom, right = p["pads"]
    return F.pad(x, (left, right, top, bottom), value=fill)


def activation(p, v):
    function = p["function"]
    if function == "prelu":
        return F.prelu(v, torch.tensor(p["slopes"]))
    if function in ("leaky_relu", "elu"):
        return getattr(F, function)(v, float(p["alpha"]))
    return {"relu": F.relu, "relu6": F.relu6, "sigmoid": torch.sigmoid, "tanh": torch.tanh, "silu": F.silu,
            "hardswish": F.hardswish}[function](v)


def reference(graph, q, x):
    """PyTorch fake quantization over the layer list; x is an NCHW (or N, F) float tensor, or
    [N, mels, frames], which the layers see as the one-channel image [N, 1, mels, frames]."""
    if x.dim() == 3:
        x = x[:, None]
    values = {-1: fq_tensor(x, q.tensors[-1])}
    for index, layer in enumerate(graph.layers):
        kind, p = layer.kind, layer.params
        inputs = [values[i] for i in layer.inputs]
        v = inputs[0]
        if kind in ("conv", "depthwise"):
            lq = q.layers[index]
            w = fq_weights(torch.tensor(p["weights"]), lq.weight_scales, 0)
            b = bias_of(torch.tensor(p["bias"]), lq.input.scale, lq.weight_scales)
            groups = v.shape[1] if kind == "depthwise" else 1
            y = F.conv2d(windows(v, p, 0.0), w, b, p["stride"], 0, p["dilation"], groups)
        elif kind == "dense":
            lq = q.layers[index]
            w = fq_weights(torch.tensor(p["weights"]), lq.weight_scales, 1)
            y = v.reshape(v.shape[0], -1) @ w + bias_of(torch.tensor(p["bias"]), lq.input.scale, lq.weight_scales)
        elif kind == "add":
            y = inputs[0] + inputs[1]
        elif kind == "concat":
            y = torch.cat(inputs, 1)
        elif kind == "activation":
            y = activation(p, v)
        elif kind == "max_pool":
            y = F.max_pool2d(windows(v, p, -float("inf")), p["kernel"], p["stride"])
        elif kind == "average_pool":
            total = F.avg_pool2d(windows(v, p, 0.0), p["kernel"], p["stride"]) * (p["kernel"][0] * p["kernel"][1])
            ones = torch.ones(1, 1, v.shape[2], v.shape[3])
            y = total / (F.avg_pool2d(windows(ones, p, 0.0), p["kernel"], p["stride"]) * (p["kernel"][0] * p["kernel"][1]))
        elif kind == "global_average_pool":
            y = v.mean(dim=(2, 3), keepdim=True)
        elif kind == "flatten":
            y = v.permute(0, 2, 3, 1).reshape(v.shape[0], -1)  # earshot's NHWC order (the Dense is permuted)
        else:
            raise SystemExit(f"no reference for {kind}")
        # Each int8 tensor is fake-quantized where it is made; a folded ReLU/ReLU6 shares its
        # producer's quantization (quantizing before and after it is the same).
        values[index] = fq_tensor(y, q.tensors[index]) if index in q.tensors and kind != "flatten" else y
    return values[graph.output.layer]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(SEED)
    names = []
    for name, (shape, model) in models().items():
        model.eval()
        path = os.path.join(OUT, name + ".onnx")
        torch.onnx.export(model, torch.zeros(shape), path, input_names=["x"], output_names=["y"], opset_version=13)
        calibration = rng.standard_normal((32,) + shape[1:]).astype(np.float32)
        inputs = rng.standard_normal((8,) + shape[1:]).astype(np.float32) * 1.2  # some beyond the calibrated range
        np.save(os.path.join(OUT, name + ".calibration.npy"), calibration)
        np.save(os.path.join(OUT, name + ".input.npy"), inputs)
        graph = Converter(onnx.load(path)).run()
        passes.optimise(graph)
        q = quantize.quantize(graph, os.path.join(OUT, name + ".calibration.npy"))
        with torch.no_grad():
            expected = reference(graph, q, torch.tensor(inputs)).numpy()
        output = q.final_dequantize
        np.save(os.path.join(OUT, name + ".expected.npy"), expected.astype(np.float32))
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            # Two requantized layers in a row (the separable convolution's halves) can add up a
            # 1-LSB difference in the middle to 2 at the end; every single layer stays within 1.
            json.dump({"output_scale": float(output.scale), "output_zero_point": output.zero_point,
                       "tolerance_lsb": 2 if name == "separable" else 1}, f)
        names.append(name)
        print(name, expected.shape)
    # The QDQ model: no calibration, PyTorch's own fake-quantized output as the reference.
    torch.manual_seed(SEED + 1)
    model = QdqModel().eval()
    path = os.path.join(OUT, "qdq_model.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 8, 6), path, input_names=["x"], output_names=["y"], opset_version=13)
    inputs = rng.standard_normal((8, 1, 8, 6)).astype(np.float32)
    np.save(os.path.join(OUT, "qdq_model.input.npy"), inputs)
    with torch.no_grad():
        np.save(os.path.join(OUT, "qdq_model.expected.npy"), model(torch.tensor(inputs)).numpy())
    # A QDQ model outside the specification: uint8 activations (quant range 0-255).
    torch.onnx.export(Uint8Model().eval(), torch.zeros(1, 1, 6, 6), os.path.join(OUT, "qdq_uint8.onnx"),
                      opset_version=13)
    with open(os.path.join(OUT, "qdq_model.json"), "w") as f:
        json.dump({"output_scale": 0.05, "output_zero_point": -2, "tolerance_lsb": 1}, f)
    with open(os.path.join(OUT, "models.txt"), "w") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
