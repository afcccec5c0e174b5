"""Import: an ONNX graph (NCHW) to earshot's intermediate form, a list of NHWC layers.

ONNX graphs are NCHW; earshot is NHWC, so the importer tracks for every tensor which ONNX axis
is which NHWC axis, turns layout-only Transposes into nothing and permutes the input features of
a Dense that follows a Flatten of an NCHW tensor. 1-D models (Conv1d over `[batch, mels,
frames]`) run on the 2-D layers: their tensors are NHWC with a height of 1 (channels x length
is `(1, length, channels)`), and a Conv1d on the model's input, whose mels are the rows of a
one-channel image, is a 2-D convolution whose kernel spans every row. Constant subgraphs (the
shape arithmetic of `x.view(x.size(0), -1)`) are evaluated in constant_folding.py; element-wise
operators (activations, arithmetic with constants) are in onnx_elementwise.py.
"""
import numpy as np
import onnx
from onnx import numpy_helper

from . import qdq
from .constant_folding import FOLDERS, fold_reshape
from .errors import ConvertError, node_error
from .onnx_elementwise import ElementwiseOperators, NodeAttributes, attributes, channel_axis

NCHW = (0, 3, 1, 2)  # for each ONNX axis of an NCHW tensor, its axis in NHWC
NHWC = (0, 1, 2, 3)
NCW = (0, 3, 2)      # a 1-D tensor [batch, channels, length]: NHWC (1, length, channels)
ROWS_BY_FRAMES = (0, 1, 2)  # the model's [batch, mels, frames] input: NHWC (mels, frames, 1)


MAX_PADDING = 127  # cells a side that earshot::nn::explicit_padding holds

SUPPORTED_OPERATORS = (
    "Add, AveragePool, BatchNormalization, Clip, Concat (branches, on the channels), Conv (1-D and 2-D), Div, "
    "Dropout, Elu, Flatten, Gemm, GlobalAveragePool, GlobalMaxPool, HardSigmoid (in x * hardsigmoid(x)), "
    "HardSwish, Identity, LeakyRelu, MatMul, MaxPool, Mul, Pad, PRelu, ReduceMax, ReduceMean, Relu, Reshape, Sigmoid, Softmax, Squeeze, Sub, "
    "Tanh, Transpose (and constant shape arithmetic: Shape, Gather, Concat, Unsqueeze, Slice, Cast, ...), "
    "QuantizeLinear/DequantizeLinear (int8 QDQ models)")


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
        self.axes = axes              # rank 4 and 3: the NHWC axis of every ONNX axis (rank 3: NCW
                                      # or ROWS_BY_FRAMES; the NHWC axis it lacks has size 1)
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


def initializer_array(tensor):
    """An initializer's values; data that does not fill its dimensions is one line naming it."""
    try:
        return numpy_helper.to_array(tensor)
    except (ValueError, TypeError) as error:
        raise ConvertError(f"initializer '{tensor.name}' (dimensions {list(tensor.dims)}): its data does not match "
                           f"its dimensions and type ({error})") from None


class Converter(ElementwiseOperators):
    def __init__(self, model):
        self.model = model
        self.graph = model.graph
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
        self.constants = {t.name: initializer_array(t) for t in self.graph.initializer}
        self.values = {}
        self.layers = []
        self.consumers = {}
        for node in self.graph.node:
            for name in node.input:
                self.consumers.setdefault(name, []).append(node)
        self.input_layout = None
        self.input_onnx_shape = None
        # QDQ models (qdq.py): weight constants from a DequantizeLinear, by name; run-time tensors
        # between a QuantizeLinear and its DequantizeLinear; the scales found, by layer (-1: input).
        self.weight_quantization = {}
        self.pending_quantization = {}
        self.activation_quantization = {}

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
        """An NCHW (or 1-D NCW) input of a convolution, pooling or batch norm."""
        value = self.value(node, index)
        if len(value.onnx_shape) == 3 and value.axes == NCW:
            return value
        if len(value.onnx_shape) == 3 and value.axes == ROWS_BY_FRAMES:
            raise node_error(node, "on the model's [batch, mels, frames] input only a Conv1d (group=1) is "
                             "supported: its mels are the channels of the first convolution")
        if len(value.onnx_shape) != 4:
            raise node_error(node, f"expects a 4-D NCHW or 3-D NCW input, got shape {list(value.onnx_shape)}")
        if value.axes != NCHW:
            self.not_layout_only(value.transpose or node)
        return value

    @staticmethod
    def one_d(attrs):
        """A 1-D operator's attributes on 2-D layers of height 1: every window 1 row high."""
        node, attrs = attrs.node, NodeAttributes(attrs.node, attrs)
        for name in ("strides", "dilations"):
            if name in attrs:
                attrs[name] = [1] + list(attrs[name])
        if "kernel_shape" in attrs:
            attrs["kernel_shape"] = [1] + list(attrs["kernel_shape"])
        if "pads" in attrs:
            if len(attrs["pads"]) != 2:
                raise node_error(node, f"pads {list(attrs['pads'])} are not supported; a 1-D operator's are 2 values")
            begin, end = attrs["pads"]
            attrs["pads"] = [0, begin, 0, end]
        return attrs

    def not_layout_only(self, node):
        perm = attributes(node).get("perm")
        raise node_error(node, f"perm {perm} moves data rather than changing the layout; only "
                         "transposes between NCHW and NHWC are supported")

    def shape_of(self, value):
        return self.layers[value.layer].shape if value.layer >= 0 else self.input_shape

    def add_layer(self, node, kind, inputs, shape, **params):
        self.layers.append(Layer(kind, node.name or node.output[0], inputs, tuple(shape), **params))
        return len(self.layers) - 1

    def emit_spatial(self, node, kind, source, shape, one_d=False, **params):
        layer = self.add_layer(node, kind, [source.layer], shape, **params)
        h, w, c = shape
        self.values[node.output[0]] = Value(layer, (1, c, w), NCW) if one_d else Value(layer, (1, c, h, w), NCHW)
        return layer

    def pass_through(self, node, kind, source=None, **params):
        """Element-wise layers keep the layout of their input (by default the node's first)."""
        source = source or self.value(node)
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
        if len(dims) not in (2, 3, 4) or any(d <= 0 for d in dims[1:]):
            raise ConvertError(f"input '{tensor.name}' has shape {dims}; supported: [batch, C, H, W], "
                               "[batch, H, W, C], [batch, mels, frames] (Conv1d) or [batch, features] "
                               "with fixed sizes")
        if dims[0] not in (0, 1):
            raise ConvertError(f"input '{tensor.name}' has a fixed batch of {dims[0]}; export with batch 1")
        dims[0] = 1
        self.input_onnx_shape = tuple(dims)
        if len(dims) == 2:
            self.input_layout = "NC"
            self.input_shape = (dims[1],)
            self.values[tensor.name] = Value(-1, dims)
            return
        if len(dims) == 3:  # mels as the rows of a one-channel image: the memory order of [mels, frames]
            self.input_layout = "NCW"
            self.input_shape = (dims[1], dims[2], 1)
            self.values[tensor.name] = Value(-1, dims, ROWS_BY_FRAMES)
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
        if min(kernel) < 1 or min(stride) < 1 or min(dilation) < 1:
            raise node_error(node, f"kernel {list(kernel)}, strides {list(stride)} and dilations {list(dilation)} "
                             "must be at least 1")
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
        weights = self.constant(node, 1, "the weight")
        bias = self.constant(node, 2, "the bias")
        one_d = weights.ndim == 3
        if weights.ndim not in (3, 4):
            raise node_error(node, "only 1-D and 2-D convolutions are supported")
        source = self.value(node)
        if one_d and source.axes == ROWS_BY_FRAMES:
            # Conv1d on [batch, mels, frames]: a 2-D convolution of the one-channel (mels, frames)
            # image whose kernel spans all mel rows, unpadded in height.
            if attrs.get("group", 1) != 1:
                raise node_error(node, f"group={attrs.get('group')} on the model's [batch, mels, frames] input is "
                                 "not supported; supported: group=1 (the mels are the input channels)")
            if weights.shape[1] != source.onnx_shape[1]:
                raise node_error(node, f"weights {list(weights.shape)} do not fit {source.onnx_shape[1]} input channels")
            weights = weights[:, None, :, :]  # [out][1][mels][taps]
            attrs = self.one_d(attrs)
        else:
            source = self.spatial(node)
            if one_d != (len(source.onnx_shape) == 3):
                raise node_error(node, f"a {weights.ndim - 2}-D kernel on a {len(source.onnx_shape)}-D input")
            if one_d:
                weights = weights[:, :, None, :]  # [out][in][1][taps]
                attrs = self.one_d(attrs)
        h, w, c = self.shape_of(source)
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
        if bias is not None and bias.shape != (out_channels,):
            raise node_error(node, f"the bias has shape {list(bias.shape)} for {out_channels} output channels")
        bias = np.zeros(out_channels, np.float32) if bias is None else bias.astype(np.float32)
        scales = qdq.weight_scales(self, node, node.input[1], 0, out_channels)
        if scales is not None:
            params["weight_scales"] = scales
        self.emit_spatial(node, kind, source, (oh, ow, out_channels), one_d=one_d,
                          weights=weights.astype(np.float32), bias=bias, **window, **params)

    def op_BatchNormalization(self, node):
        attrs = attributes(node)
        if attrs.get("training_mode", 0):
            raise node_error(node, "training_mode=1 is not supported; export the model in eval mode")
        if len(node.output) > 1 and any(node.output[1:]):
            raise node_error(node, "running statistics outputs are not supported; export in eval mode")
        source = self.value(node)
        if len(source.onnx_shape) != 2:
            self.spatial(node)  # a 4-D NCHW or 1-D NCW input; [batch, features] after a Linear
        per_channel = (1, -1) + (1,) * (len(source.onnx_shape) - 2)  # ONNX: a [C] vector for axis 1
        gamma, beta, mean, var = (self.channel_vector(node, source, self.constant(node, i, "a statistic").reshape(
            per_channel)) for i in (1, 2, 3, 4))
        epsilon = attrs.get("epsilon", 1e-5)
        scale = gamma / np.sqrt(var + np.float64(np.float32(epsilon)))
        self.pass_through(node, "batch_norm", scale=scale, shift=beta - mean * scale, gamma=gamma,
                          beta=beta, mean=mean, variance=var, epsilon=epsilon)

    def pool(self, node, kind):
        attrs = attributes(node)
        if attrs.get("ceil_mode", 0):
            raise node_error(node, "ceil_mode=1 is not supported; supported: ceil_mode=0")
        if any(d != 1 for d in attrs.get("dilations", [1, 1])):
            raise node_error(node, "dilations are not supported for pooling")
        if len(node.output) > 1 and node.output[1]:
            raise node_error(node, "the Indices output is not supported")
        source = self.spatial(node)
        one_d = len(source.onnx_shape) == 3
        if one_d:
            attrs = self.one_d(attrs)
        h, w, c = self.shape_of(source)
        window, (oh, ow) = self.window(node, attrs, attrs["kernel_shape"], (h, w))
        if not fits_pool(window["pads"], window["kernel"]):
            raise node_error(node, f"pads {list(window['pads'])} are not supported for a "
                             f"{list(window['kernel'])} pool; supported: less than the pool on each side")
        include_pad = bool(attrs.get("count_include_pad", 0)) if kind == "average_pool" else False
        if max(window["pads"]) == 0:
            include_pad = False
        self.emit_spatial(node, kind, source, (oh, ow, c), one_d=one_d, count_include_pad=include_pad, **window)

    def op_MaxPool(self, node):
        self.pool(node, "max_pool")

    def op_AveragePool(self, node):
        self.pool(node, "average_pool")

    def global_pool(self, node, kind, keep_dims=True):
        source = self.spatial(node)
        channels = self.shape_of(source)[2]
        layer = self.emit_spatial(node, kind, source, (1, 1, channels), one_d=len(source.onnx_shape) == 3)
        if not keep_dims:
            self.values[node.output[0]] = Value(layer, (1, channels))

    def reduce(self, node, kind):
        """ReduceMean/ReduceMax over every spatial axis is global pooling."""
        attrs = attributes(node)
        source = self.value(node)
        rank = len(source.onnx_shape)
        axes = self.constant(node, 1, "axes") if len(node.input) > 1 and node.input[1] else attrs.get("axes")
        axes = sorted({int(a) % rank for a in (range(rank) if axes is None else np.asarray(axes).reshape(-1))})
        if rank not in (3, 4) or axes != list(range(2, rank)) or source.axes not in (NCHW, NCW):
            raise node_error(node, f"axes {axes} of a {list(source.onnx_shape)} tensor are not supported; "
                             "supported: every spatial axis of an NCHW or NCW tensor (global pooling)")
        self.global_pool(node, kind, keep_dims=bool(attrs.get("keepdims", 1)))

    def op_ReduceMean(self, node):
        self.reduce(node, "global_average_pool")

    def op_ReduceMax(self, node):
        self.reduce(node, "global_max_pool")

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
        rank = len(source.onnx_shape)
        if rank not in (3, 4) or source.axes == ROWS_BY_FRAMES:
            raise node_error(node, "only padding of 4-D NCHW and 3-D NCW tensors is supported")
        pads = [int(p) for p in pads]
        begin, end = dict.fromkeys(range(4), 0), dict.fromkeys(range(4), 0)
        for axis in range(rank):
            begin[source.axes[axis]], end[source.axes[axis]] = pads[axis], pads[axis + rank]
        if begin[0] or end[0] or begin[3] or end[3] or min(pads) < 0 or max(pads) > MAX_PADDING:
            raise node_error(node, f"pads {pads} are not supported; supported: zero padding of height "
                             f"and width, 0 to {MAX_PADDING} cells a side")
        h, w, c = self.shape_of(source)
        shape = (h + begin[1] + end[1], w + begin[2] + end[2], c)
        layer = self.add_layer(node, "pad", [source.layer], shape,
                               pads=(begin[1], begin[2], end[1], end[2]))
        onnx_shape = tuple(shape[source.axes[i] - 1] if i else 1 for i in range(rank))
        self.values[node.output[0]] = Value(layer, onnx_shape, source.axes, None, source.transpose)

    def flatten(self, node, source):
        if len(source.onnx_shape) == 2:
            self.alias(node, source)
            return
        h, w, c = self.shape_of(source)
        positions = np.arange(h * w * c).reshape(1, h, w, c)
        lacking = [a for a in range(4) if a not in source.axes]  # rank 3: the NHWC axis of size 1
        order = np.transpose(positions, tuple(source.axes) + tuple(lacking)).reshape(-1)
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
        try:
            target = fold_reshape(np.zeros(source.onnx_shape, np.float32), shape).shape
        except ValueError:
            raise node_error(node, f"cannot reshape {list(source.onnx_shape)} to {[int(s) for s in shape]}") from None
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
        if rank not in (3, 4) or 0 in axes or rank - len(axes) != 2 or any(source.onnx_shape[a] != 1 for a in axes):
            raise node_error(node, "only squeezing [batch, C, 1, 1] or [batch, C, 1] to [batch, C] is supported")
        self.flatten(node, source)

    def op_Transpose(self, node):
        source = self.value(node)
        perm = list(attributes(node).get("perm", reversed(range(len(source.onnx_shape)))))
        if len(perm) == 2 and perm == [0, 1]:
            self.alias(node, source)
            return
        if sorted(perm) != list(range(len(source.onnx_shape))):
            raise node_error(node, f"perm {perm} is not a permutation of the input's {len(source.onnx_shape)} axes")
        if len(perm) != 4 or perm[0] != 0:
            self.not_layout_only(node)
        axes = tuple(source.axes[p] for p in perm)
        shape = tuple(source.onnx_shape[p] for p in perm)
        self.values[node.output[0]] = Value(source.layer, shape, axes, None, node)

    def dense(self, node, source, weights, bias, scales=None):
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
        if bias is not None and bias.size not in (1, outputs):
            raise node_error(node, f"the bias has {bias.size} values for {outputs} outputs")
        bias = np.zeros(outputs, np.float32) if bias is None else np.broadcast_to(bias, (outputs,))
        extra = {} if scales is None else dict(weight_scales=scales)
        layer = self.add_layer(node, "dense", [source.layer], (outputs,),
                               weights=weights.astype(np.float32), bias=np.array(bias, np.float32), **extra)
        self.values[node.output[0]] = Value(layer, (1, outputs))

    def op_Gemm(self, node):
        attrs = attributes(node)
        if attrs.get("transA", 0):
            raise node_error(node, "transA=1 is not supported")
        weights = self.constant(node, 1, "B (the weights)").astype(np.float64)
        if weights.ndim != 2:
            raise node_error(node, f"B (the weights) has shape {list(weights.shape)}; Gemm's is 2-D")
        weights = (weights.T if attrs.get("transB", 0) else weights) * attrs.get("alpha", 1.0)
        bias = self.constant(node, 2, "C (the bias)")
        bias = None if bias is None else bias.astype(np.float64).reshape(-1) * attrs.get("beta", 1.0)
        scales = qdq.weight_scales(self, node, node.input[1], 0 if attrs.get("transB", 0) else 1, weights.shape[1])
        if scales is not None and attrs.get("alpha", 1.0) != 1.0:
            raise node_error(node, "alpha != 1 on QDQ weights is not supported")
        self.dense(node, self.value(node), weights, bias, scales)

    def op_MatMul(self, node):
        weights = self.constant(node, 1, "the second operand")
        scales = qdq.weight_scales(self, node, node.input[1], 1, weights.shape[1]) if weights.ndim == 2 else None
        self.dense(node, self.value(node), weights, None, scales)

    def op_Concat(self, node):
        """Concat of run-time tensors on the channel axis: the branches of an Inception-style block
        (the emitter finds where they part)."""
        if not all(name in self.values for name in node.input):
            raise node_error(node, "concatenates constants with tensors computed at run time; supported: run-time "
                             "tensors on the channel axis")
        values = [self.values[name] for name in node.input]
        first = values[0]
        rank = len(first.onnx_shape)
        axis = attributes(node)["axis"] % rank
        others = lambda shape: shape[:axis] + shape[axis + 1:]  # noqa: E731
        if axis != channel_axis(first) or any(v.axes != first.axes or v.order is not None or len(v.onnx_shape) != rank
                                              or others(v.onnx_shape) != others(first.onnx_shape) for v in values):
            raise node_error(node, f"concatenates {[list(v.onnx_shape) for v in values]} on axis {axis}; supported: "
                             "tensors of the same layout and size, on the channel axis")
        channels = sum(self.shape_of(v)[-1] for v in values)
        shape = self.shape_of(first)[:-1] + (channels,)  # (height, width, channels) or (features,)
        layer = self.add_layer(node, "concat", [v.layer for v in values], shape)
        onnx_shape = tuple(channels if i == axis else d for i, d in enumerate(first.onnx_shape))
        self.values[node.output[0]] = Value(layer, onnx_shape, first.axes, None, first.transpose)

    def op_Softmax(self, node):
        source = self.value(node)
        axis = attributes(node).get("axis", 1 if self.opset < 13 else -1)
        if len(source.onnx_shape) != 2 or axis not in (1, -1):
            raise node_error(node, "only a softmax over the features of a [batch, features] tensor is "
                             "supported")
        self.pass_through(node, "softmax")

    def op_QuantizeLinear(self, node):
        qdq.quantize_activation(self, node)

    def op_DequantizeLinear(self, node):
        qdq.dequantize_activation(self, node)

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
        if node.op_type == "DequantizeLinear":
            self.weight_quantization[node.output[0]] = qdq.constant_quantization(node, inputs, attributes(node))
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
                handler = getattr(self, "op_" + node.op_type, None)
                if handler is None:  # an operator the converter folds on constants only (Mul, Concat, ...)
                    raise node_error(node, "supported only on constants (shape arithmetic), not on tensors "
                                     f"computed at run time; supported layers: {SUPPORTED_OPERATORS}")
                handler(node)
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
        if len(output.onnx_shape) == 3:
            raise ConvertError(f"output '{outputs[0].name}' is a 1-D [batch, channels, length] tensor; end the "
                               "model with a Dense layer or a global pooling")
        self.output = output
        self.output_layout = {2: "NC", 4: "NCHW" if output.axes == NCHW else "NHWC"}[len(output.onnx_shape)]
        return self

