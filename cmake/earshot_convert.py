#!/usr/bin/env python3
"""Converts an ONNX model (torch.onnx.export at opsets 11-17, or tf2onnx) to one C++ header that
declares the model as an earshot::Model type, with its weights as constexpr arrays in flash.

    earshot_convert.py model.onnx -o model.hpp --name my_model [--namespace ns]
                       [--labels labels.txt] [--frontend frontend.json]

Needs numpy and onnx only. ONNX graphs are NCHW; earshot is NHWC, so the converter tracks for
every tensor which ONNX axis is which NHWC axis, turns layout-only Transposes into nothing and
permutes the input features of a Dense that follows a Flatten of an NCHW tensor. Unsupported
operators or attributes end the program with exit code 2 and one line naming the node.
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile
import traceback

import numpy as np

try:
    import onnx
    from onnx import helper, numpy_helper
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("earshot_convert.py: error: the Python module 'onnx' is missing "
                     "(Debian: apt-get install python3-onnx)\n")
    sys.exit(2)

NCHW = (0, 3, 1, 2)  # for each ONNX axis of an NCHW tensor, its axis in NHWC
NHWC = (0, 1, 2, 3)

MAX_PADDING = 127  # cells a side that earshot::nn::explicit_padding holds

SUPPORTED_OPERATORS = (
    "Add, AveragePool, BatchNormalization, Clip, Conv, Dropout, Flatten, Gemm, GlobalAveragePool, "
    "GlobalMaxPool, Identity, LeakyRelu, MatMul, MaxPool, Pad, Relu, Reshape, Sigmoid, Softmax, "
    "Squeeze, Transpose (and constant shape arithmetic: Shape, Gather, Concat, Unsqueeze, Slice, "
    "Cast, ...)")


class ConvertError(Exception):
    """One line for the user; the program exits with code 2."""


def node_error(node, message):
    name = node.name or (node.output[0] if node.output else "?")
    return ConvertError(f"node '{name}' ({node.op_type}): {message}")


def attributes(node):
    values = {}
    for attribute in node.attribute:
        value = helper.get_attribute_value(attribute)
        values[attribute.name] = value.decode() if isinstance(value, bytes) else value
    return values


# ---------------------------------------------------------------------------------------------
# Constant folding: initialisers, Constant nodes and the shape arithmetic that exporters write
# around `view`, `F.pad` and friends. Every shape is static (batch 1), so all of it folds.

def numpy_type(onnx_type):
    if hasattr(helper, "tensor_dtype_to_np_dtype"):
        return helper.tensor_dtype_to_np_dtype(onnx_type)
    return onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[onnx_type]


def axes_argument(node, inputs, attrs, index):
    """Unsqueeze/Squeeze/Slice/Pad take axes as an attribute before opset 13 and as an input after."""
    if len(inputs) > index and inputs[index] is not None:
        return [int(a) for a in np.asarray(inputs[index]).reshape(-1)]
    return attrs.get("axes")


def fold_slice(node, inputs, attrs):
    data = inputs[0]
    if len(inputs) > 1:
        starts, ends = list(inputs[1]), list(inputs[2])
        axes = list(inputs[3]) if len(inputs) > 3 and inputs[3] is not None else None
        steps = list(inputs[4]) if len(inputs) > 4 and inputs[4] is not None else None
    else:
        starts, ends, axes, steps = attrs["starts"], attrs["ends"], attrs.get("axes"), None
    axes = axes if axes is not None else list(range(len(starts)))
    steps = steps if steps is not None else [1] * len(starts)
    index = [slice(None)] * data.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps):
        size = data.shape[axis]
        # ONNX clamps INT64_MAX / INT64_MIN style bounds; Python slices clamp too, except that
        # huge negative ends with a negative step mean "through index 0".
        end = None if (step < 0 and end < -size) else int(np.clip(end, -size - 1, size + 1))
        index[axis] = slice(int(np.clip(start, -size - 1, size + 1)), end, int(step))
    return data[tuple(index)]


def fold_reshape(data, shape, allowzero=0):
    shape = [int(s) for s in shape]
    if not allowzero:  # a 0 copies the input's dimension (opset 14's allowzero=1: a literal 0)
        shape = [data.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return data.reshape(shape)


def fold_unsqueeze(data, axes):
    rank = data.ndim + len(axes)
    for axis in sorted(a % rank for a in axes):
        data = np.expand_dims(data, axis)
    return data


def fold_constant_of_shape(attrs, shape):
    value = attrs.get("value")
    fill = numpy_helper.to_array(value).reshape(-1) if value is not None else np.zeros(1, np.float32)
    return np.full([int(s) for s in shape], fill[0], dtype=fill.dtype)


def fold_constant(attrs):
    for key in ("value", "sparse_value"):
        if key in attrs:
            return numpy_helper.to_array(attrs[key])
    if "value_float" in attrs:
        return np.array(attrs["value_float"], np.float32)
    if "value_floats" in attrs:
        return np.array(attrs["value_floats"], np.float32)
    if "value_int" in attrs:
        return np.array(attrs["value_int"], np.int64)
    if "value_ints" in attrs:
        return np.array(attrs["value_ints"], np.int64)
    raise KeyError("Constant without a value")


def integer_divide(a, b):
    if np.issubdtype(np.asarray(a).dtype, np.integer):
        return np.trunc(np.asarray(a) / np.asarray(b)).astype(np.asarray(a).dtype)
    return np.asarray(a) / np.asarray(b)


FOLDERS = {
    "Constant": lambda n, i, a: fold_constant(a),
    "Identity": lambda n, i, a: i[0],
    "Cast": lambda n, i, a: i[0].astype(numpy_type(a["to"])),
    "Gather": lambda n, i, a: np.take(i[0], i[1], axis=a.get("axis", 0)),
    "Unsqueeze": lambda n, i, a: fold_unsqueeze(i[0], axes_argument(n, i, a, 1)),
    "Squeeze": lambda n, i, a: np.squeeze(
        i[0], axis=tuple(axes_argument(n, i, a, 1)) if axes_argument(n, i, a, 1) else None),
    "Concat": lambda n, i, a: np.concatenate([np.atleast_1d(x) for x in i], axis=a["axis"]),
    "Slice": lambda n, i, a: fold_slice(n, i, a),
    "Reshape": lambda n, i, a: fold_reshape(i[0], i[1], a.get("allowzero", 0)),
    "Transpose": lambda n, i, a: np.transpose(i[0], a.get("perm")),
    "ConstantOfShape": lambda n, i, a: fold_constant_of_shape(a, i[0]),
    "Expand": lambda n, i, a: i[0] * np.ones([int(s) for s in i[1]], dtype=i[0].dtype),
    "Range": lambda n, i, a: np.arange(i[0], i[1], i[2]),
    "Add": lambda n, i, a: i[0] + i[1],
    "Sub": lambda n, i, a: i[0] - i[1],
    "Mul": lambda n, i, a: i[0] * i[1],
    "Div": lambda n, i, a: integer_divide(i[0], i[1]),
    "Neg": lambda n, i, a: -i[0],
    "Sqrt": lambda n, i, a: np.sqrt(i[0]),
    "Equal": lambda n, i, a: np.equal(i[0], i[1]),
    "Where": lambda n, i, a: np.where(i[0], i[1], i[2]),
    "Min": lambda n, i, a: np.minimum.reduce(i),
    "Max": lambda n, i, a: np.maximum.reduce(i),
}


# ---------------------------------------------------------------------------------------------
# The intermediate form: a list of NHWC layers. A Value is an ONNX tensor computed at run time.

class Layer:
    def __init__(self, kind, name, inputs, shape, **params):
        self.kind = kind      # conv, depthwise, batch_norm, activation, max_pool, ...
        self.name = name      # the ONNX node's name, for comments and messages
        self.inputs = inputs  # indices of the layers that feed it; -1 is the model's input
        self.shape = shape    # output shape: (height, width, channels) or (features,)
        self.params = params


class Value:
    def __init__(self, layer, onnx_shape, axes=None, order=None, transpose=None):
        self.layer = layer            # index of the producing layer, -1 for the model's input
        self.onnx_shape = tuple(onnx_shape)  # with the batch dimension (1)
        self.axes = axes              # rank 4: the NHWC axis of every ONNX axis
        self.order = order            # rank 2: ONNX feature i is earshot feature order[i]
        self.transpose = transpose    # the Transpose node that last changed `axes`, if any


def fits_pool(pads, kernel):
    """Every pooling window holds an input cell: each side pads less than the pool."""
    return all(pads[i] < kernel[i % 2] for i in range(4))


def same_padding(size, kernel, stride, dilation):
    """TensorFlow's SAME (ONNX SAME_UPPER): the output is ceil(size / stride), the extra row of
    an odd total padding goes at the end."""
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


class Converter:
    def __init__(self, model):
        self.model = model
        self.graph = model.graph
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
        self.constants = {t.name: numpy_helper.to_array(t) for t in self.graph.initializer}
        self.values = {}
        self.layers = []
        self.consumers = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.input_layout = None
        self.input_onnx_shape = None

    # --- helpers --------------------------------------------------------------------------
    def constant(self, node, index, what):
        if index >= len(node.input) or node.input[index] == "":
            return None
        name = node.input[index]
        if name not in self.constants:
            raise node_error(node, f"{what} must be a constant (an initialiser), not computed at run time")
        return self.constants[name]

    def value(self, node, index=0):
        name = node.input[index]
        if name not in self.values:
            raise node_error(node, f"input '{name}' is neither a constant nor computed by a supported node")
        return self.values[name]

    def spatial(self, node, index=0):
        """An NCHW input of a convolution, pooling or batch norm."""
        value = self.value(node, index)
        if len(value.onnx_shape) != 4:
            raise node_error(node, f"expects a 4-D NCHW input, got shape {list(value.onnx_shape)}")
        if value.axes != NCHW:
            self.not_layout_only(value.transpose or node)
        return value

    def not_layout_only(self, node):
        perm = attributes(node).get("perm")
        raise node_error(node, f"perm {perm} moves data rather than changing the layout; only "
                         "transposes between NCHW and NHWC are supported")

    def shape_of(self, value):
        return self.layers[value.layer].shape if value.layer >= 0 else self.input_shape

    def add_layer(self, node, kind, inputs, shape, **params):
        self.layers.append(Layer(kind, node.name or node.output[0], inputs, tuple(shape), **params))
        return len(self.layers) - 1

    def emit_spatial(self, node, kind, source, shape, **params):
        layer = self.add_layer(node, kind, [source.layer], shape, **params)
        h, w, c = shape
        self.values[node.output[0]] = Value(layer, (1, c, h, w), NCHW)
        return layer

    def pass_through(self, node, kind, **params):
        """Element-wise layers keep the layout of their input."""
        source = self.value(node)
        layer = self.add_layer(node, kind, [source.layer], self.shape_of(source), **params)
        self.values[node.output[0]] = Value(layer, source.onnx_shape, source.axes, source.order,
                                            source.transpose)

    def alias(self, node, source):
        self.values[node.output[0]] = source

    # --- the model's input ----------------------------------------------------------------
    def set_input(self):
        initialisers = set(self.constants)
        inputs = [i for i in self.graph.input if i.name not in initialisers]
        if len(inputs) != 1:
            raise ConvertError(f"the model has {len(inputs)} inputs; earshot models have exactly one")
        tensor = inputs[0]
        dims = [d.dim_value if d.HasField("dim_value") else 0 for d in tensor.type.tensor_type.shape.dim]
        if tensor.type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
            raise ConvertError(f"input '{tensor.name}' is not float32")
        if len(dims) not in (2, 4) or any(d <= 0 for d in dims[1:]):
            raise ConvertError(f"input '{tensor.name}' has shape {dims}; supported: [batch, C, H, W], "
                               "[batch, H, W, C] or [batch, features] with fixed sizes")
        if dims[0] not in (0, 1):
            raise ConvertError(f"input '{tensor.name}' has a fixed batch of {dims[0]}; export with batch 1")
        dims[0] = 1
        self.input_onnx_shape = tuple(dims)
        if len(dims) == 2:
            self.input_layout = "NC"
            self.input_shape = (dims[1],)
            self.values[tensor.name] = Value(-1, dims)
            return
        readers = self.consumers.get(tensor.name, [])
        channels_last = readers and all(
            n.op_type == "Transpose" and list(attributes(n).get("perm", [])) == [0, 3, 1, 2]
            for n in readers)
        self.input_layout = "NHWC" if channels_last else "NCHW"
        axes = NHWC if channels_last else NCHW
        self.input_shape = tuple(dims[axes.index(i)] for i in (1, 2, 3))
        self.values[tensor.name] = Value(-1, dims, axes)

    # --- operators ------------------------------------------------------------------------
    def padding(self, node, attrs, size, kernel, stride, dilation):
        """(top, left, bottom, right) from auto_pad or pads."""
        auto_pad = attrs.get("auto_pad", "NOTSET")
        if auto_pad in ("SAME_UPPER",):
            top, bottom = same_padding(size[0], kernel[0], stride[0], dilation[0])
            left, right = same_padding(size[1], kernel[1], stride[1], dilation[1])
            return (top, left, bottom, right)
        if auto_pad == "VALID":
            return (0, 0, 0, 0)
        if auto_pad != "NOTSET":
            raise node_error(node, f"auto_pad={auto_pad} is not supported; supported: NOTSET (pads), "
                             "VALID, SAME_UPPER")
        pads = list(attrs.get("pads", [0, 0, 0, 0]))
        if len(pads) != 4 or min(pads) < 0:
            raise node_error(node, f"pads {pads} are not supported; supported: 4 non-negative values")
        return (pads[0], pads[1], pads[2], pads[3])

    def window(self, node, attrs, kernel, size):
        stride = tuple(attrs.get("strides", [1, 1]))
        dilation = tuple(attrs.get("dilations", [1, 1]))
        if len(kernel) != 2 or len(stride) != 2 or len(dilation) != 2:
            raise node_error(node, "only 2-D windows are supported")
        pads = self.padding(node, attrs, size, kernel, stride, dilation)
        if max(pads) > MAX_PADDING:
            raise node_error(node, f"pads {list(pads)} are not supported; supported: at most "
                             f"{MAX_PADDING} cells a side")
        out = tuple((size[i] + pads[i] + pads[i + 2] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1
                    for i in range(2))
        if min(out) < 1:
            raise node_error(node, f"window {list(kernel)} does not fit the input {list(size)}")
        return dict(kernel=tuple(kernel), stride=stride, dilation=dilation, pads=pads), out

    def op_Conv(self, node):
        attrs = attributes(node)
        source = self.spatial(node)
        h, w, c = self.shape_of(source)
        weights = self.constant(node, 1, "the weight")
        bias = self.constant(node, 2, "the bias")
        if weights.ndim != 4:
            raise node_error(node, "only 2-D convolutions are supported")
        out_channels = weights.shape[0]
        group = attrs.get("group", 1)
        window, (oh, ow) = self.window(node, attrs, weights.shape[2:], (h, w))
        if group == 1 and weights.shape[1] == c:
            kind, params = "conv", {}
        elif group == c and weights.shape[1] == 1 and out_channels % c == 0:
            kind, params = "depthwise", dict(multiplier=out_channels // c)
        else:
            raise node_error(node, f"group={group} with {c} input channels is not supported; supported: "
                             "group=1 and group=channels (depthwise)")
        bias = np.zeros(out_channels, np.float32) if bias is None else bias.astype(np.float32)
        self.emit_spatial(node, kind, source, (oh, ow, out_channels),
                          weights=weights.astype(np.float32), bias=bias, **window, **params)

    def op_BatchNormalization(self, node):
        attrs = attributes(node)
        if attrs.get("training_mode", 0):
            raise node_error(node, "training_mode=1 is not supported; export the model in eval mode")
        if len(node.output) > 1 and any(node.output[1:]):
            raise node_error(node, "running statistics outputs are not supported; export in eval mode")
        self.spatial(node)  # a 4-D NCHW input
        gamma, beta, mean, var = (self.constant(node, i, "a statistic").astype(np.float64)
                                  for i in (1, 2, 3, 4))
        epsilon = attrs.get("epsilon", 1e-5)
        scale = gamma / np.sqrt(var + np.float64(np.float32(epsilon)))
        self.pass_through(node, "batch_norm", scale=scale, shift=beta - mean * scale, gamma=gamma,
                          beta=beta, mean=mean, variance=var, epsilon=epsilon)

    def op_Relu(self, node):
        self.pass_through(node, "activation", function="relu")

    def op_LeakyRelu(self, node):
        self.pass_through(node, "activation", function="leaky_relu", alpha=attributes(node).get("alpha", 0.01))

    def op_Sigmoid(self, node):
        self.pass_through(node, "activation", function="sigmoid")

    def op_Clip(self, node):
        attrs = attributes(node)
        low = self.constant(node, 1, "min") if len(node.input) > 1 else attrs.get("min")
        high = self.constant(node, 2, "max") if len(node.input) > 2 else attrs.get("max")
        low = None if low is None else float(np.asarray(low))
        high = None if high is None else float(np.asarray(high))
        if low == 0.0 and high == 6.0:
            self.pass_through(node, "activation", function="relu6")
        elif low == 0.0 and (high is None or high == np.inf):
            self.pass_through(node, "activation", function="relu")
        else:
            raise node_error(node, f"Clip({low}, {high}) is not supported; supported: Clip(0, 6) (ReLU6) "
                             "and Clip(0, inf) (ReLU)")

    def pool(self, node, kind):
        attrs = attributes(node)
        if attrs.get("ceil_mode", 0):
            raise node_error(node, "ceil_mode=1 is not supported; supported: ceil_mode=0")
        if any(d != 1 for d in attrs.get("dilations", [1, 1])):
            raise node_error(node, "dilations are not supported for pooling")
        if len(node.output) > 1 and node.output[1]:
            raise node_error(node, "the Indices output is not supported")
        source = self.spatial(node)
        h, w, c = self.shape_of(source)
        window, (oh, ow) = self.window(node, attrs, attrs["kernel_shape"], (h, w))
        if not fits_pool(window["pads"], window["kernel"]):
            raise node_error(node, f"pads {list(window['pads'])} are not supported for a "
                             f"{list(window['kernel'])} pool; supported: less than the pool on each side")
        include_pad = bool(attrs.get("count_include_pad", 0)) if kind == "average_pool" else False
        if max(window["pads"]) == 0:
            include_pad = False
        self.emit_spatial(node, kind, source, (oh, ow, c), count_include_pad=include_pad, **window)

    def op_MaxPool(self, node):
        self.pool(node, "max_pool")

    def op_AveragePool(self, node):
        self.pool(node, "average_pool")

    def global_pool(self, node, kind):
        source = self.spatial(node)
        self.emit_spatial(node, kind, source, (1, 1, self.shape_of(source)[2]))

    def op_GlobalAveragePool(self, node):
        self.global_pool(node, "global_average_pool")

    def op_GlobalMaxPool(self, node):
        self.global_pool(node, "global_max_pool")

    def op_Pad(self, node):
        attrs = attributes(node)
        mode = attrs.get("mode", "constant")
        if mode != "constant":
            raise node_error(node, f"mode={mode} is not supported; supported: constant zeros")
        if len(node.input) > 3 and node.input[3]:
            raise node_error(node, "the axes input is not supported")
        pads = self.constant(node, 1, "pads") if len(node.input) > 1 else np.array(attrs.get("pads"))
        fill = self.constant(node, 2, "the constant value") if len(node.input) > 2 else attrs.get("value", 0.0)
        if fill is not None and float(np.asarray(fill)) != 0.0:
            raise node_error(node, f"constant value {float(np.asarray(fill))} is not supported; "
                             "supported: zeros")
        source = self.value(node)
        if len(source.onnx_shape) != 4:
            raise node_error(node, "only padding of 4-D tensors is supported")
        pads = [int(p) for p in pads]
        begin, end = {}, {}
        for axis in range(4):
            begin[source.axes[axis]], end[source.axes[axis]] = pads[axis], pads[axis + 4]
        if begin[0] or end[0] or begin[3] or end[3] or min(pads) < 0 or max(pads) > MAX_PADDING:
            raise node_error(node, f"pads {pads} are not supported; supported: zero padding of height "
                             f"and width, 0 to {MAX_PADDING} cells a side")
        h, w, c = self.shape_of(source)
        shape = (h + begin[1] + end[1], w + begin[2] + end[2], c)
        layer = self.add_layer(node, "pad", [source.layer], shape,
                               pads=(begin[1], begin[2], end[1], end[2]))
        onnx_shape = tuple(shape[source.axes[i] - 1] if i else 1 for i in range(4))
        self.values[node.output[0]] = Value(layer, onnx_shape, source.axes, None, source.transpose)

    def flatten(self, node, source):
        if len(source.onnx_shape) == 2:
            self.alias(node, source)
            return
        h, w, c = self.shape_of(source)
        positions = np.arange(h * w * c).reshape(1, h, w, c)
        order = np.transpose(positions, source.axes).reshape(-1)
        layer = self.add_layer(node, "flatten", [source.layer], (h * w * c,))
        identity = bool(np.all(order == np.arange(order.size)))
        self.values[node.output[0]] = Value(layer, (1, h * w * c), order=None if identity else order)

    def op_Flatten(self, node):
        if attributes(node).get("axis", 1) not in (0, 1):
            raise node_error(node, "only axis=1 (keep the batch) is supported")
        self.flatten(node, self.value(node))

    def op_Reshape(self, node):
        source = self.value(node)
        shape = self.constant(node, 1, "the shape")
        if attributes(node).get("allowzero", 0) and 0 in [int(s) for s in shape]:
            raise node_error(node, "allowzero=1 with a 0 in the shape (an empty tensor) is not supported")
        target = fold_reshape(np.zeros(source.onnx_shape, np.float32), shape).shape
        if len(target) == 2 and target[0] == 1:
            self.flatten(node, source)
        elif target == source.onnx_shape:
            self.alias(node, source)
        else:
            raise node_error(node, f"reshape {list(source.onnx_shape)} -> {list(target)} is not supported; "
                             "supported: flattening to [batch, features]")

    def op_Squeeze(self, node):
        source = self.value(node)
        axes = list(self.constant(node, 1, "axes")) if len(node.input) > 1 else attributes(node).get("axes")
        rank = len(source.onnx_shape)
        axes = [] if axes is None else [int(a) % rank for a in axes]
        if rank != 4 or 0 in axes or rank - len(axes) != 2 or any(source.onnx_shape[a] != 1 for a in axes):
            raise node_error(node, "only squeezing [batch, C, 1, 1] to [batch, C] is supported")
        self.flatten(node, source)

    def op_Transpose(self, node):
        source = self.value(node)
        perm = list(attributes(node).get("perm", reversed(range(len(source.onnx_shape)))))
        if len(perm) == 2 and perm == [0, 1]:
            self.alias(node, source)
            return
        if len(perm) != 4 or perm[0] != 0:
            self.not_layout_only(node)
        axes = tuple(source.axes[p] for p in perm)
        shape = tuple(source.onnx_shape[p] for p in perm)
        self.values[node.output[0]] = Value(source.layer, shape, axes, None, node)

    def dense(self, node, source, weights, bias):
        if len(source.onnx_shape) != 2:
            raise node_error(node, f"expects a [batch, features] input, got shape {list(source.onnx_shape)}")
        if weights.ndim != 2 or weights.shape[0] != source.onnx_shape[1]:
            raise node_error(node, f"weights of shape {list(weights.shape)} do not fit "
                             f"{source.onnx_shape[1]} input features")
        if source.order is not None:  # rows in ONNX's feature order -> earshot's (NHWC) order
            reordered = np.empty_like(weights)
            reordered[source.order] = weights
            weights = reordered
        outputs = weights.shape[1]
        bias = np.zeros(outputs, np.float32) if bias is None else np.broadcast_to(bias, (outputs,))
        layer = self.add_layer(node, "dense", [source.layer], (outputs,),
                               weights=weights.astype(np.float32), bias=np.array(bias, np.float32))
        self.values[node.output[0]] = Value(layer, (1, outputs))

    def op_Gemm(self, node):
        attrs = attributes(node)
        if attrs.get("transA", 0):
            raise node_error(node, "transA=1 is not supported")
        weights = self.constant(node, 1, "B (the weights)").astype(np.float64)
        weights = (weights.T if attrs.get("transB", 0) else weights) * attrs.get("alpha", 1.0)
        bias = self.constant(node, 2, "C (the bias)")
        bias = None if bias is None else bias.astype(np.float64).reshape(-1) * attrs.get("beta", 1.0)
        self.dense(node, self.value(node), weights, bias)

    def op_MatMul(self, node):
        self.dense(node, self.value(node), self.constant(node, 1, "the second operand"), None)

    def op_Add(self, node):
        names = list(node.input)
        runtime = [n for n in names if n in self.values]
        if len(runtime) == 2:
            a, b = self.values[names[0]], self.values[names[1]]
            if a.onnx_shape != b.onnx_shape or a.axes != b.axes or not np.array_equal(
                    a.order if a.order is not None else [], b.order if b.order is not None else []):
                raise node_error(node, f"adds shapes {list(a.onnx_shape)} and {list(b.onnx_shape)}; only "
                                 "tensors of the same shape and layout can be added")
            layer = self.add_layer(node, "add", [a.layer, b.layer], self.shape_of(a))
            self.values[node.output[0]] = Value(layer, a.onnx_shape, a.axes, a.order, a.transpose)
            return
        source = self.value(node, names.index(runtime[0]) if runtime else 0)
        bias = self.constant(node, 1 - names.index(runtime[0]), "the addend")
        producer = self.layers[source.layer] if source.layer >= 0 else None
        only_reader = len(self.consumers.get(names[names.index(runtime[0])], [])) == 1
        if producer is None or producer.kind != "dense" or not only_reader or \
                bias.size != producer.shape[0] or source is not self.values.get(runtime[0]):
            raise node_error(node, "adding a constant is supported only as the bias of a MatMul "
                             "(MatMul + Add)")
        producer.params["bias"] = (producer.params["bias"] + bias.reshape(-1)).astype(np.float32)
        self.alias(node, source)

    def op_Softmax(self, node):
        source = self.value(node)
        axis = attributes(node).get("axis", 1 if self.opset < 13 else -1)
        if len(source.onnx_shape) != 2 or axis not in (1, -1):
            raise node_error(node, "only a softmax over the features of a [batch, features] tensor is "
                             "supported")
        self.pass_through(node, "softmax")

    def op_Identity(self, node):
        self.alias(node, self.value(node))

    def op_Dropout(self, node):
        self.alias(node, self.value(node))

    # --- driver ---------------------------------------------------------------------------
    def fold(self, node):
        """Evaluates a node whose inputs are all known now; returns False if it is a layer."""
        known = self.values.get(node.input[0]) if node.input else None
        if node.op_type == "Shape" and (known or node.input[0] in self.constants):
            attrs = attributes(node)
            shape = np.array(known.onnx_shape if known else self.constants[node.input[0]].shape, np.int64)
            self.constants[node.output[0]] = shape[attrs.get("start", 0):attrs.get("end", len(shape))]
            return True
        if node.op_type not in FOLDERS or not all(n == "" or n in self.constants for n in node.input):
            return False
        inputs = [self.constants[n] if n else None for n in node.input]
        try:
            result = FOLDERS[node.op_type](node, inputs, attributes(node))
        except Exception as error:  # a malformed constant subgraph
            raise node_error(node, f"cannot evaluate this constant expression: {error}") from None
        self.constants[node.output[0]] = np.asarray(result)
        return True

    def run(self):
        if self.opset and not 7 <= self.opset <= 18:
            raise ConvertError(f"opset {self.opset} is not supported; supported: 7-18 (tested: 11, 13, 17)")
        for node in self.graph.node:  # name the unsupported operator, not a symptom downstream
            known = node.op_type in FOLDERS or node.op_type == "Shape" or hasattr(self, "op_" + node.op_type)
            if node.domain not in ("", "ai.onnx") or not known:
                raise node_error(node, f"operator not supported; supported operators: {SUPPORTED_OPERATORS}")
        self.set_input()
        for node in self.graph.node:
            if not self.fold(node):
                getattr(self, "op_" + node.op_type)(node)
        outputs = list(self.graph.output)
        if len(outputs) != 1:
            raise ConvertError(f"the model has {len(outputs)} outputs; earshot models have exactly one")
        output = self.values.get(outputs[0].name)
        if output is None or output.layer < 0:
            raise ConvertError(f"output '{outputs[0].name}' is not computed by any supported layer")
        if output.order is not None:
            raise ConvertError(f"output '{outputs[0].name}' is a flattened NCHW tensor, whose feature "
                               "order earshot does not keep; end the model with a Dense layer or a "
                               "global pooling")
        if len(output.onnx_shape) == 4 and output.axes not in (NCHW, NHWC):
            self.not_layout_only(output.transpose)
        self.output = output
        self.output_layout = {2: "NC", 4: "NCHW" if output.axes == NCHW else "NHWC"}[len(output.onnx_shape)]
        self.optimise()
        return self

    # --- rewrites on the layer list -------------------------------------------------------
    def readers(self):
        count = [0] * len(self.layers)
        for layer in self.layers:
            for i in layer.inputs:
                if i >= 0:
                    count[i] += 1
        count[self.output.layer] += 1
        return count

    def optimise(self):
        readers = self.readers()
        for layer in self.layers:
            if layer.kind == "batch_norm" and layer.inputs[0] >= 0:
                conv = self.layers[layer.inputs[0]]
                if conv.kind in ("conv", "depthwise") and readers[layer.inputs[0]] == 1:
                    scale, shift = layer.params["scale"], layer.params["shift"]
                    conv.params["weights"] = (conv.params["weights"] * scale[:, None, None, None]).astype(np.float32)
                    conv.params["bias"] = (conv.params["bias"] * scale + shift).astype(np.float32)
                    layer.kind = "removed"
            if layer.kind == "pad" and readers[self.layers.index(layer)] == 1:
                self.merge_pad(layer)
            if layer.kind == "activation" and layer.params["function"] in ("relu", "relu6") and \
                    layer.inputs[0] >= 0 and readers[layer.inputs[0]] == 1:
                before = self.layers[layer.inputs[0]]  # torch writes ReLU6 as Relu then Clip
                if before.kind == "activation" and before.params["function"] == "relu":
                    before.kind = "removed"
        self.remove("removed")

    def merge_pad(self, pad):
        """A Pad node becomes the padding of the convolution or pooling that reads it where that
        computes the same; otherwise it stays, as a ZeroPadding2D layer."""
        index = self.layers.index(pad)
        reader = next((l for l in self.layers if index in l.inputs), None)
        if reader is None:  # the model's output: it stays a ZeroPadding2D layer
            return
        if reader.kind not in ("conv", "depthwise", "average_pool", "max_pool"):
            return
        if reader.kind == "average_pool" and max(reader.params["pads"]) and not reader.params["count_include_pad"]:
            return  # padded zeros count as data, the pool's own padding does not: keep both
        if reader.kind == "max_pool" and not self.non_negative(pad.inputs[0]):
            return  # a zero would win over negative values, unlike the pool's own padding
        pads = tuple(a + b for a, b in zip(reader.params["pads"], pad.params["pads"]))
        if max(pads) > MAX_PADDING or (reader.kind != "conv" and reader.kind != "depthwise" and
                                       not fits_pool(pads, reader.params["kernel"])):
            return
        reader.params["pads"] = pads
        if reader.kind == "average_pool":
            reader.params["count_include_pad"] = True
        pad.kind = "removed"

    def non_negative(self, index):
        layer = self.layers[index] if index >= 0 else None
        return layer is not None and layer.kind == "activation" and layer.params["function"] in (
            "relu", "relu6", "sigmoid")

    def remove(self, kind):
        """Drops layers of `kind` (each with one input) and renumbers the rest."""
        new_index, kept = {-1: -1}, []
        for i, layer in enumerate(self.layers):
            if layer.kind == kind:
                new_index[i] = new_index[layer.inputs[0]]
            else:
                new_index[i] = len(kept)
                kept.append(layer)
        for layer in kept:
            layer.inputs = [new_index[i] for i in layer.inputs]
        self.output.layer = new_index[self.output.layer]
        self.layers = kept


# ---------------------------------------------------------------------------------------------
# From the layer list to earshot::nn types. Residual Adds become nested Residual<...> blocks;
# padding that is neither VALID nor TensorFlow's SAME becomes earshot::nn::explicit_padding.

WINDOW_KINDS = {"conv", "depthwise", "max_pool", "average_pool", "pad"}
WHOLE_KINDS = {"dense", "global_average_pool", "global_max_pool"}


class Residual:
    def __init__(self, add, block):
        self.add = add      # the Add layer
        self.block = block  # items (layers or Residuals) applied to the shortcut's input


def effective_padding(size, kernel, stride, dilation, before, after):
    """The padding a window really reads: end padding that no output cell reaches is dropped."""
    out = (size + before + after - (kernel - 1) * dilation - 1) // stride + 1
    return before, max(0, (out - 1) * stride + (kernel - 1) * dilation + 1 - size - before), out


def padding_mode(layer, size):
    """'valid', 'same' or None (explicit) for a window layer over `size` (rows, columns)."""
    p = layer.params
    modes = []
    for axis in range(2):
        before, after, out = effective_padding(size[axis], p["kernel"][axis], p["stride"][axis],
                                               p["dilation"][axis], p["pads"][axis], p["pads"][axis + 2])
        same = same_padding(size[axis], p["kernel"][axis], p["stride"][axis], p["dilation"][axis])
        axis_modes = set()
        if before == 0 and after == 0:
            axis_modes.add("valid")
        if (before, after) == same and out == -(-size[axis] // p["stride"][axis]):
            axis_modes.add("same")
        modes.append(axis_modes)
    common = modes[0] & modes[1]
    return "valid" if "valid" in common else ("same" if "same" in common else None)


def is_pointwise(layer):
    return isinstance(layer, Layer) and layer.kind == "conv" and layer.params["kernel"] == (1, 1) and \
        layer.params["stride"] == (1, 1) and max(layer.params["pads"]) == 0


def cpp_float(value):
    value = float(np.float32(value))
    if not np.isfinite(value):
        raise ConvertError(f"weight {value} is not finite")
    text = "%.9g" % value
    if "e" not in text and "." not in text:
        text += ".0"
    return text + "f"


def cpp_string(text):
    out = []
    for ch in text:
        if ch in "\\\"":
            out.append("\\" + ch)
        elif ord(ch) < 32:
            out.append("\\x%02x\"\"" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def cpp_ratio(value):
    """A std::ratio whose float equals the float32 `value` (LeakyReLU alpha, BN epsilon): the
    simplest fraction that gives it back when C++ divides num by den in float."""
    from fractions import Fraction
    target = np.float32(value)
    exact = Fraction(float(target))
    # The last limit returns the float's own value m / 2^k when 2^k fits (|value| above about
    # 2^-39): m has at most 24 bits and 2^k is a float too, so the division is exact.
    for limit in (10, 100, 1000, 10**4, 10**5, 10**6, 10**7, 10**8, 10**9, 2**62):
        fraction = exact.limit_denominator(limit)
        if abs(fraction.numerator) < 2**62 and \
                np.float32(fraction.numerator) / np.float32(fraction.denominator) == target:
            return f"std::ratio<{fraction.numerator}, {fraction.denominator}>"
    raise ConvertError(f"{float(target)!r} cannot be written exactly as a std::ratio (too small)")


class Emitter:
    def __init__(self, converter, args, source_bytes):
        self.c = converter
        self.args = args
        self.source_bytes = source_bytes
        self.arrays = []      # (name, values, comment)
        self.headers = {"earshot/nn/model.hpp"}
        self.readers = converter.readers()

    # --- structure ------------------------------------------------------------------------
    def items(self, end, stop):
        """The layers from (excluding) `stop` to (including) `end`, with Adds as Residuals."""
        items = []
        index = end
        while index != stop:
            if index < 0:
                return None
            layer = self.c.layers[index]
            if layer.kind == "add":
                a, b = layer.inputs
                shortcut, branch = (a, b) if a in self.ancestors(b) else (b, a)
                block = self.items(branch, shortcut) if shortcut in self.ancestors(branch) else None
                if not block:
                    raise ConvertError(f"node '{layer.name}' (Add): only residual blocks (x + layers(x)) "
                                       "are supported; the two inputs do not form one")
                first = block[0]
                if isinstance(first, Residual) or first.kind not in WINDOW_KINDS | WHOLE_KINDS:
                    raise ConvertError(f"node '{layer.name}' (Add): the residual branch must start with a "
                                       "convolution, pooling or Dense layer")
                if shortcut >= 0 and self.readers[shortcut] != 2:
                    raise ConvertError(f"node '{layer.name}' (Add): the shortcut's input is read by "
                                       f"{self.readers[shortcut]} layers; supported: the Add and its branch")
                items.append(Residual(layer, block))
                index = shortcut
            else:
                if index != end and self.readers[index] != 1 and not self.is_shortcut(index):
                    raise ConvertError(f"node '{layer.name}' ({layer.kind}): its output feeds "
                                       f"{self.readers[index]} layers; only residual Adds may branch")
                items.append(layer)
                index = layer.inputs[0]
        return items[::-1]

    def ancestors(self, index):
        found, stack = set(), [index]
        while stack:
            i = stack.pop()
            for j in (self.c.layers[i].inputs if i >= 0 else []):
                if j not in found:
                    found.add(j)
                    stack.append(j)
        return found

    def is_shortcut(self, index):
        return any(l.kind == "add" and index in l.inputs for l in self.c.layers)

    # --- arrays ---------------------------------------------------------------------------
    def array(self, name, values, comment):
        self.arrays.append((name, np.asarray(values, np.float32).reshape(-1), comment))
        return "weights::" + name

    # --- layers ---------------------------------------------------------------------------
    def layer_types(self, items, shape):
        """C++ layer types for `items` starting from input shape (h, w, c)."""
        types = []
        for index, item in enumerate(items):
            if isinstance(item, Residual):
                inner = self.layer_types(item.block, shape)
                block = ",\n".join("    " + t.replace("\n", "\n    ") for t in inner)
                types.append("earshot::nn::Residual<\n" + block + ">")
                continue
            if item.kind == "removed":
                continue
            following = items[index + 1] if index + 1 < len(items) else None
            if item.kind == "depthwise" and is_pointwise(following):
                types.extend(self.separable(item, following, shape))
                item, following.kind = following, "removed"
            else:
                types.extend(self.layer(item, shape))
            shape = item.shape if len(item.shape) == 3 else (1, 1, item.shape[0])
        return types

    def separable(self, depthwise, pointwise, shape):
        """Depthwise then 1x1 convolution as one SeparableConv2D, whose depthwise result stays on
        the stack: the depthwise bias moves into the pointwise one (b + W^T b_depthwise)."""
        self.headers.add("earshot/nn/separable_conv2d.hpp")
        p, tag = depthwise.params, f"layer{self.c.layers.index(depthwise)}"
        padding = self.padding(depthwise, shape)
        kh, kw = p["kernel"]
        m = p["multiplier"]
        hwcm = p["weights"].reshape(shape[2], m, kh, kw).transpose(2, 3, 0, 1)
        pointwise_kernel = pointwise.params["weights"][:, :, 0, 0].T.astype(np.float64)  # [in][out]
        bias = pointwise.params["bias"] + p["bias"].astype(np.float64) @ pointwise_kernel
        note = f"'{depthwise.name}' + '{pointwise.name}'"
        names = (self.array(tag + "_depthwise_kernel", hwcm, note + " [rows][columns][channels][multiplier]"),
                 self.array(tag + "_pointwise_kernel", pointwise_kernel, note + " [inputs][filters]"),
                 self.array(tag + "_bias", bias, note))
        return [f"earshot::nn::SeparableConv2D<{pointwise.shape[2]}, earshot::nn::Kernel<{kh}, {kw}>, "
                      f"earshot::nn::Strides<{p['stride'][0]}, {p['stride'][1]}>, {padding}, {', '.join(names)}, {m}, "
                      f"earshot::nn::Dilation<{p['dilation'][0]}, {p['dilation'][1]}>>"]

    @staticmethod
    def padding(layer, shape):
        """Padding::kValid or kSame where they fit, else explicit_padding<top, bottom, left, right>
        (PyTorch's both-sides padding with stride 2 on even sizes, asymmetric or merged Pad nodes)."""
        mode = padding_mode(layer, shape[:2])
        if mode is not None:
            return "earshot::nn::Padding::k" + mode.capitalize()
        top, left, bottom, right = layer.params["pads"]
        return f"earshot::nn::explicit_padding<{top}, {bottom}, {left}, {right}>"

    def layer(self, layer, shape):
        kind, p = layer.kind, layer.params
        tag = f"layer{self.c.layers.index(layer)}"
        note = f"'{layer.name}'"
        if kind in ("conv", "depthwise"):
            padding = self.padding(layer, shape)
            kh, kw = p["kernel"]
            size = f"earshot::nn::Kernel<{kh}, {kw}>, earshot::nn::Strides<{p['stride'][0]}, {p['stride'][1]}>"
            dilation = f", earshot::nn::Dilation<{p['dilation'][0]}, {p['dilation'][1]}>"
            weights = p["weights"]
            if kind == "conv":
                self.headers.add("earshot/nn/conv2d.hpp")
                kernel = self.array(tag + "_kernel", weights.transpose(2, 3, 1, 0), note + " HWIO")
                bias = self.array(tag + "_bias", p["bias"], note)
                return [f"earshot::nn::Conv2D<{layer.shape[2]}, {size}, {padding}, {kernel}, {bias}{dilation}>"]
            self.headers.add("earshot/nn/depthwise_conv2d.hpp")
            m = p["multiplier"]
            hwcm = weights.reshape(shape[2], m, kh, kw).transpose(2, 3, 0, 1)
            kernel = self.array(tag + "_kernel", hwcm, note + " [rows][columns][channels][multiplier]")
            bias = self.array(tag + "_bias", p["bias"], note)
            return [f"earshot::nn::DepthwiseConv2D<{size}, {padding}, {m}, {kernel}, {bias}{dilation}>"]
        if kind in ("max_pool", "average_pool"):
            self.headers.add("earshot/nn/pooling.hpp")
            padding = self.padding(layer, shape)
            name = "MaxPool2D" if kind == "max_pool" else "AveragePool2D"
            kh, kw = p["kernel"]
            # ONNX's count_include_pad = 1: padded cells count in the divisor.
            counted = ", earshot::nn::PaddedCells::kIncluded" if p["count_include_pad"] and \
                padding != "earshot::nn::Padding::kValid" else ""
            return [f"earshot::nn::{name}<earshot::nn::PoolSize<{kh}, {kw}>, {padding}, "
                    f"earshot::nn::Strides<{p['stride'][0]}, {p['stride'][1]}>{counted}>"]
        if kind == "pad":
            self.headers.add("earshot/nn/zero_padding2d.hpp")
            top, left, bottom, right = p["pads"]
            return [f"earshot::nn::ZeroPadding2D<{top}, {bottom}, {left}, {right}>"]
        if kind == "global_average_pool":
            self.headers.add("earshot/nn/global_pooling.hpp")
            return ["earshot::nn::GlobalAveragePooling2D"]
        if kind == "global_max_pool":
            self.headers.add("earshot/nn/global_pooling.hpp")
            return ["earshot::nn::GlobalMaxPooling2D"]
        if kind == "flatten":
            self.headers.add("earshot/nn/flatten.hpp")
            return ["earshot::nn::Flatten"]
        if kind == "dense":
            self.headers.add("earshot/nn/dense.hpp")
            kernel = self.array(tag + "_kernel", p["weights"], note + " [inputs][units]")
            bias = self.array(tag + "_bias", p["bias"], note)
            return [f"earshot::nn::Dense<{layer.shape[0]}, {kernel}, {bias}>"]
        if kind == "batch_norm":
            self.headers.add("earshot/nn/batch_normalization.hpp")
            names = [self.array(f"{tag}_{n}", p[n], note) for n in ("gamma", "beta", "mean", "variance")]
            return [f"earshot::nn::BatchNormalization<{', '.join(names)}, {cpp_ratio(p['epsilon'])}>"]
        if kind == "activation":
            self.headers.add("earshot/nn/activations.hpp")
            f = p["function"]
            if f == "leaky_relu":
                return [f"earshot::nn::LeakyReLU<{cpp_ratio(p['alpha'])}>"]
            return ["earshot::nn::" + {"relu": "ReLU", "relu6": "ReLU6", "sigmoid": "Sigmoid"}[f]]
        if kind == "softmax":
            self.headers.add("earshot/nn/activations.hpp")
            return ["earshot::nn::Softmax"]
        raise ConvertError(f"internal: no earshot layer for '{kind}'")

    # --- the header -----------------------------------------------------------------------
    def header(self):
        c, args = self.c, self.args
        items = self.items(c.output.layer, -1)
        types = self.layer_types(items, c.input_shape if len(c.input_shape) == 3 else (1, 1, c.input_shape[0]))
        h, w, ch = c.input_shape if len(c.input_shape) == 3 else (1, 1, c.input_shape[0])
        output_shape = list(c.output.onnx_shape)
        labels = read_labels(args.labels, output_shape) if args.labels else []
        frontend = read_frontend(args.frontend) if args.frontend else None
        if frontend is not None:
            self.headers.update({"earshot/dsp/frontend.hpp", "earshot/dsp/normalize.hpp"})
        model = self.c.model
        digest = hashlib.sha256(self.source_bytes).hexdigest()
        source = os.path.basename(args.model)
        lines = [
            f"// {args.name}: an earshot model generated by earshot_convert.py from {source}; do not edit.",
            f"// Source sha256 {digest}, written by {model.producer_name or 'an unknown producer'} "
            f"{model.producer_version} at opset {c.opset}. Weights are the ONNX float32 values, "
            "rearranged for earshot's NHWC layers.",
            "#pragma once",
            "",
            "#include <array>",
            "#include <ratio>",
            "",
        ]
        lines += [f'#include "{name}"' for name in sorted(self.headers)]
        namespace = f"{args.namespace}::{args.name}" if args.namespace else args.name
        lines += ["", f"namespace {namespace} {{", "", "namespace weights {", ""]
        for name, values, comment in self.arrays:
            lines.append(f"// {comment}")
            lines.append(f"alignas(16) inline constexpr float {name}[{values.size}] = {{")
            for start in range(0, values.size, 8):
                lines.append("    " + ", ".join(cpp_float(v) for v in values[start:start + 8]) + ",")
            lines.append("};")
        lines += ["", "}  // namespace weights", ""]
        lines.append("// The model: earshot::nn::Model<earshot::nn::Input<height, width, channels>, layers...>.")
        lines.append(f"using Model = earshot::nn::Model<earshot::nn::Input<{h}, {w}, {ch}>,")
        lines.append(",\n".join("    " + t.replace("\n", "\n    ") for t in types) + ">;")
        channels_first = lambda layout: "true" if layout == "NCHW" else "false"
        lines += [
            "",
            f"inline constexpr const char* name = {cpp_string(args.name)};",
            f"inline constexpr const char* source_file = {cpp_string(source)};",
            f'inline constexpr const char* source_sha256 = "{digest}";',
            "// The tensors as the framework feeds and returns them (batch 1). NCHW input is",
            "// transposed to the model's NHWC input (height, width, channels) by the caller.",
            f"inline constexpr std::array<int, {len(c.input_onnx_shape)}> source_input_shape{{"
            f"{', '.join(map(str, c.input_onnx_shape))}}};",
            f"inline constexpr bool source_input_channels_first = {channels_first(c.input_layout)};",
            f"inline constexpr std::array<int, {len(output_shape)}> source_output_shape{{"
            f"{', '.join(map(str, output_shape))}}};",
            f"inline constexpr bool source_output_channels_first = {channels_first(c.output_layout)};",
            f"inline constexpr std::array<const char*, {len(labels)}> labels{{"
            + ", ".join(cpp_string(label) for label in labels) + "};",
        ]
        lines += frontend_lines(frontend)
        lines += ["", f"}}  // namespace {namespace}", ""]
        return "\n".join(lines)


def read_labels(path, output_shape):
    try:
        with open(path, encoding="utf-8") as f:
            labels = [line.strip() for line in f.read().splitlines()]
    except OSError as error:
        raise ConvertError(f"cannot read the labels file '{path}': {error.strerror}") from None
    while labels and not labels[-1]:
        labels.pop()
    outputs = int(np.prod(output_shape[1:]))
    if len(labels) != outputs:
        raise ConvertError(f"the labels file '{path}' has {len(labels)} labels but the model has "
                           f"{outputs} outputs")
    return labels


# The front-end configuration: librosa's parameter names, as `earshot features` takes them.
FRONTEND_KEYS = {
    "sample_rate": "number", "n_fft": "int", "hop_length": "int", "win_length": "int",
    "window": ("hann", "hamming"), "center": "bool", "power": (1, 2), "n_mels": "int",
    "fmin": "number", "fmax": "number", "htk": "bool", "norm": ("slaney", "none", None),
    "scale": ("linear", "db", "ln", "mfcc"), "n_mfcc": "int", "ref": "number", "amin": "number",
    "top_db": "number_or_null", "ln_offset": "number", "normalization": ("none", "mean_std", "max"),
}


def read_frontend(path):
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except OSError as error:
        raise ConvertError(f"cannot read the front-end file '{path}': {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ConvertError(f"the front-end file '{path}' is not JSON: {error}") from None
    if not isinstance(config, dict):
        raise ConvertError(f"the front-end file '{path}' must hold one JSON object")
    aliases = {"sr": "sample_rate", "normalisation": "normalization"}
    config = {aliases.get(k, k): v for k, v in config.items()}
    for key, value in config.items():
        kind = FRONTEND_KEYS.get(key)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = (kind == "int" and isinstance(value, int) and not isinstance(value, bool) and value >= 0) or \
             (kind == "number" and number) or (kind == "number_or_null" and (number or value is None)) or \
             (kind == "bool" and isinstance(value, bool)) or (isinstance(kind, tuple) and value in kind)
        if not ok:
            expected = ("one of " + ", ".join(json.dumps(v) for v in kind)) if isinstance(kind, tuple) else kind
            raise ConvertError(f"front-end file '{path}': " + (
                f"unknown key '{key}'; known: {', '.join(sorted(FRONTEND_KEYS))}" if kind is None
                else f"'{key}' must be {expected.replace('_', ' ')}, got {json.dumps(value)}"))
    for key in ("sample_rate", "n_fft", "hop_length", "n_mels"):
        if key not in config:
            raise ConvertError(f"front-end file '{path}': '{key}' is required")
    return config


def frontend_lines(config):
    if config is None:
        return ["inline constexpr bool has_frontend = false;"]
    kind = {"linear": "kMel", "db": "kDecibel", "ln": "kNaturalLog", "mfcc": "kMfcc"}[config.get("scale", "linear")]
    fields = [
        ("sample_rate", str(float(config["sample_rate"]))),
        ("n_fft", str(config["n_fft"])),
        ("hop_length", str(config["hop_length"])),
        ("win_length", str(config.get("win_length", 0))),
        ("window", "earshot::WindowType::k" + config.get("window", "hann").capitalize()),
        ("center", "true" if config.get("center", True) else "false"),
        ("spectrum", "earshot::Spectrum::k" + ("Power" if config.get("power", 2) == 2 else "Magnitude")),
        ("n_mels", str(config["n_mels"])),
        ("fmin", str(float(config.get("fmin", 0.0)))),
        ("fmax", str(float(config.get("fmax", 0.0)))),
        ("mel_scale", "earshot::MelScale::k" + ("Htk" if config.get("htk", False) else "Slaney")),
        ("mel_norm", "earshot::MelNorm::k" + ("Slaney" if config.get("norm", "slaney") == "slaney" else "None")),
        ("kind", "earshot::FeatureKind::" + kind),
        ("ref", cpp_float(config.get("ref", 1.0))),
        ("amin", cpp_float(config.get("amin", 0.0))),
        ("top_db", cpp_float(-1.0 if config.get("top_db", 80.0) is None else config.get("top_db", 80.0))),
        ("ln_offset", cpp_float(config.get("ln_offset", 1e-6))),
        ("n_mfcc", str(config.get("n_mfcc", 20))),
    ]
    normalization = {"none": "kNone", "mean_std": "kMeanStd", "max": "kMax"}[config.get("normalization", "none")]
    lines = ["", "// The features the model was trained on (librosa's parameters).",
             "inline constexpr bool has_frontend = true;",
             "inline constexpr earshot::FrontendConfig frontend = [] {",
             "  earshot::FrontendConfig config{};"]
    lines += [f"  config.{field} = {value};" for field, value in fields]
    lines += ["  return config;", "}();",
              f"inline constexpr earshot::WindowNormalization normalization = earshot::WindowNormalization::{normalization};"]
    return lines


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".earshot_convert.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def is_identifier(text):
    return text.isidentifier() and text.isascii()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="earshot_convert.py",
        description="Convert an ONNX model to a C++ header declaring an earshot::nn::Model.")
    parser.add_argument("model", help="the .onnx file")
    parser.add_argument("-o", "--output", required=True, help="the header to write")
    parser.add_argument("--name", required=True, help="C++ name of the model (its namespace)")
    parser.add_argument("--namespace", default="", help="enclosing namespace, e.g. app::models")
    parser.add_argument("--labels", help="text file, one class label per line")
    parser.add_argument("--frontend", help="JSON file with the front-end configuration")
    args = parser.parse_args(argv)
    try:
        if not is_identifier(args.name):
            raise ConvertError(f"--name '{args.name}' is not a C++ identifier")
        if args.namespace and not all(is_identifier(part) for part in args.namespace.split("::")):
            raise ConvertError(f"--namespace '{args.namespace}' is not a C++ namespace name")
        try:
            with open(args.model, "rb") as f:
                source = f.read()
        except OSError as error:
            raise ConvertError(f"cannot read '{args.model}': {error.strerror}") from None
        try:
            model = onnx.load_from_string(source)
        except Exception as error:
            raise ConvertError(f"'{args.model}' is not an ONNX model ({type(error).__name__})") from None
        converter = Converter(model).run()
        write_atomically(args.output, Emitter(converter, args, source).header())
    except ConvertError as error:
        sys.stderr.write(f"earshot_convert.py: {args.model}: {error}\n")
        return 2
    except Exception as error:  # a case the checks above did not foresee: still one line, exit 2
        where = traceback.extract_tb(error.__traceback__)[-1]
        detail = (str(error).splitlines() or [""])[0]
        sys.stderr.write(f"earshot_convert.py: {args.model}: internal error ({type(error).__name__}: {detail} "
                         f"at {os.path.basename(where.filename)}:{where.lineno}); please report it with the model\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
