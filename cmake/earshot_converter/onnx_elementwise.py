"""Import of the element-wise operators: activations, residual Adds and arithmetic with constants.

Arithmetic with a constant that is one value, or one value per channel (`x * 0.5`, `x - mean`,
`x / std`, a BatchNorm1d after a Linear), becomes a per-channel scale and shift: a batch_norm
layer with mean 0, variance 1 and epsilon 0, which passes.py folds into the convolution or Dense
before it, exactly as a BatchNormalization. Two run-time tensors may be added (a residual block)
or multiplied in the two forms exporters write for gated activations: x * sigmoid(x) (SiLU, Swish)
and x * hardsigmoid(x) (HardSwish before opset 14). A mixin of onnx_import.Converter.
"""
import numpy as np
import onnx
from onnx import helper

from .errors import node_error

HARD_SWISH_GATE = (np.float32(1.0 / 6.0), np.float32(0.5))  # HardSigmoid's alpha and beta in HardSwish


class NodeAttributes(dict):
    """A node's attributes; one it needs but lacks is one line naming the node, not a KeyError."""

    def __init__(self, node, values=()):
        super().__init__(values)
        self.node = node

    def __missing__(self, name):
        raise node_error(self.node, f"has no '{name}' attribute, which this operator needs")


# The ONNX operator specification's types of the attributes the converter reads: one of another
# type (a string epsilon, a float pads) is refused by name rather than failing in arithmetic.
_F, _I, _INTS = onnx.AttributeProto.FLOAT, onnx.AttributeProto.INT, onnx.AttributeProto.INTS
ATTRIBUTE_TYPES = {
    "alpha": _F, "beta": _F, "epsilon": _F, "momentum": _F, "min": _F, "max": _F,
    "axis": _I, "group": _I, "transA": _I, "transB": _I, "keepdims": _I, "ceil_mode": _I,
    "count_include_pad": _I, "allowzero": _I, "training_mode": _I, "start": _I, "end": _I, "to": _I,
    "pads": _INTS, "strides": _INTS, "kernel_shape": _INTS, "dilations": _INTS, "perm": _INTS, "axes": _INTS,
}
# Of those, the float ones that must be finite (a clip's bounds may be infinite).
FINITE_ATTRIBUTES = {"alpha", "beta", "epsilon", "momentum"}


def attributes(node):
    """A node's attributes as Python values (strings decoded)."""
    values = NodeAttributes(node)
    for attribute in node.attribute:
        expected = ATTRIBUTE_TYPES.get(attribute.name)
        if expected is not None and attribute.type != expected:
            raise node_error(node, f"attribute '{attribute.name}' is {onnx.AttributeProto.AttributeType.Name(attribute.type)}"
                             f", the operator's is {onnx.AttributeProto.AttributeType.Name(expected)}")
        if attribute.name in FINITE_ATTRIBUTES and not np.isfinite(attribute.f):
            raise node_error(node, f"attribute '{attribute.name}' is {attribute.f}, not a finite number")
        value = helper.get_attribute_value(attribute)
        values[attribute.name] = value.decode() if isinstance(value, bytes) else value
    return values


def channel_axis(value):
    """The ONNX axis of a run-time tensor that is earshot's channels (the features of a
    [batch, features] tensor); None for the one-channel [batch, mels, frames] input."""
    if len(value.onnx_shape) == 2:
        return 1
    return value.axes.index(3) if value.axes is not None and 3 in value.axes else None


class ElementwiseOperators:
    # --- helpers --------------------------------------------------------------------------
    def channel_vector(self, node, source, constant):
        """A constant that broadcasts over `source` as one value per channel (or one value), as a
        float64 vector in earshot's channel order; anything else is an error naming the node."""
        shape = source.onnx_shape
        c = np.asarray(constant, np.float64)
        try:
            broadcast = np.broadcast_shapes(c.shape, shape)
        except ValueError:
            broadcast = None
        if broadcast != shape:
            raise node_error(node, f"a constant of shape {list(c.shape)} does not broadcast over the tensor "
                             f"{list(shape)}; supported: one value, or one value per channel")
        full = np.broadcast_to(c, shape)
        rank = len(shape)
        axis = channel_axis(source)
        if axis is None:  # the one-channel [batch, mels, frames] input
            if not np.all(full == full.flat[0]):
                raise node_error(node, "a constant that varies over the mels of the model's input is not "
                                 "supported; supported: one value")
            return np.array([full.flat[0]])
        moved = np.moveaxis(full, axis, 0).reshape(shape[axis], -1)
        if not np.all(moved == moved[:, :1]):
            raise node_error(node, f"a constant of shape {list(c.shape)} varies along other axes than the "
                             "channels; supported: one value, or one value per channel")
        vector = moved[:, 0].copy()
        if rank == 2 and source.order is not None:  # ONNX feature i is earshot feature order[i]
            reordered = np.empty_like(vector)
            reordered[source.order] = vector
            vector = reordered
        return vector

    def scale_and_shift(self, node, source, scale, shift):
        channels = self.shape_of(source)[-1]
        scale, shift = (np.broadcast_to(v, (channels,)).astype(np.float64) for v in (scale, shift))
        self.pass_through(node, "batch_norm", source, scale=scale, shift=shift, gamma=scale, beta=shift,
                          mean=np.zeros(channels), variance=np.ones(channels), epsilon=0.0)

    def operands(self, node):
        """(run-time Value, constant or None, index of the run-time operand) of a binary node."""
        runtime = [i for i, name in enumerate(node.input) if name in self.values]
        if not runtime:
            raise node_error(node, f"input '{node.input[0]}' is neither a constant nor computed by a supported node")
        if len(runtime) == 2:
            return self.values[node.input[0]], None, 0
        index = runtime[0]
        return self.values[node.input[index]], self.constant(node, 1 - index, "the other operand"), index

    # --- arithmetic -----------------------------------------------------------------------
    def op_Add(self, node):
        source, constant, _ = self.operands(node)
        if constant is not None:
            self.scale_and_shift(node, source, 1.0, self.channel_vector(node, source, constant))
            return
        a, b = self.values[node.input[0]], self.values[node.input[1]]
        if a.onnx_shape != b.onnx_shape or a.axes != b.axes or not np.array_equal(
                a.order if a.order is not None else [], b.order if b.order is not None else []):
            raise node_error(node, f"adds shapes {list(a.onnx_shape)} and {list(b.onnx_shape)}; only "
                             "tensors of the same shape and layout can be added")
        layer = self.add_layer(node, "add", [a.layer, b.layer], self.shape_of(a))
        self.values[node.output[0]] = type(a)(layer, a.onnx_shape, a.axes, a.order, a.transpose)

    def op_Sub(self, node):
        source, constant, index = self.operands(node)
        if constant is None:
            raise node_error(node, "subtracts two tensors computed at run time; supported: subtracting a constant")
        c = self.channel_vector(node, source, constant)
        if index == 0:
            self.scale_and_shift(node, source, 1.0, -c)  # x - c
        else:
            self.scale_and_shift(node, source, -1.0, c)  # c - x

    def op_Mul(self, node):
        source, constant, _ = self.operands(node)
        if constant is not None:
            self.scale_and_shift(node, source, self.channel_vector(node, source, constant), 0.0)
            return
        for x, gate_name in ((node.input[0], node.input[1]), (node.input[1], node.input[0])):
            value, gate = self.values[x], self.values[gate_name]
            layer = self.layers[gate.layer] if gate.layer >= 0 else None
            if layer is not None and layer.kind == "activation" and layer.params["function"] in (
                    "sigmoid", "hard_sigmoid") and layer.inputs == [value.layer] and \
                    gate.onnx_shape == value.onnx_shape and len(self.consumers.get(gate_name, [])) == 1:
                layer.params["function"] = "silu" if layer.params["function"] == "sigmoid" else "hardswish"
                self.alias(node, gate)
                return
        raise node_error(node, "multiplies two tensors computed at run time; supported: a constant, "
                         "x * sigmoid(x) (SiLU) and x * hardsigmoid(x) (HardSwish)")

    def op_Div(self, node):
        source, constant, index = self.operands(node)
        if constant is None or index != 0:
            raise node_error(node, "supported only as a tensor divided by a constant")
        c = self.channel_vector(node, source, constant)
        if np.any(c == 0.0):
            raise node_error(node, "divides by a constant that holds 0")
        self.scale_and_shift(node, source, 1.0 / c, 0.0)

    # --- activations ----------------------------------------------------------------------
    def op_Relu(self, node):
        self.pass_through(node, "activation", function="relu")

    def op_LeakyRelu(self, node):
        self.pass_through(node, "activation", function="leaky_relu", alpha=attributes(node).get("alpha", 0.01))

    def op_Sigmoid(self, node):
        self.pass_through(node, "activation", function="sigmoid")

    def op_Tanh(self, node):
        self.pass_through(node, "activation", function="tanh")

    def op_Elu(self, node):
        self.pass_through(node, "activation", function="elu", alpha=attributes(node).get("alpha", 1.0))

    def op_HardSwish(self, node):
        self.pass_through(node, "activation", function="hardswish")

    def op_HardSigmoid(self, node):
        attrs = attributes(node)
        gate = (np.float32(attrs.get("alpha", 0.2)), np.float32(attrs.get("beta", 0.5)))
        readers = self.consumers.get(node.output[0], [])
        if gate != HARD_SWISH_GATE or len(readers) != 1 or readers[0].op_type != "Mul" or \
                node.input[0] not in readers[0].input:
            raise node_error(node, "supported only as x * hardsigmoid(x) with alpha 1/6 and beta 0.5 (HardSwish)")
        self.pass_through(node, "activation", function="hard_sigmoid")

    def op_PRelu(self, node):
        source = self.value(node)
        slope = self.constant(node, 1, "the slope")
        slopes = self.channel_vector(node, source, slope)
        if np.asarray(slope).size == 1:
            slopes = slopes[:1]
        self.pass_through(node, "activation", function="prelu", slopes=slopes.astype(np.float32))

    def op_Clip(self, node):
        attrs = attributes(node)
        low = self.constant(node, 1, "min") if len(node.input) > 1 and node.input[1] else attrs.get("min")
        high = self.constant(node, 2, "max") if len(node.input) > 2 and node.input[2] else attrs.get("max")
        low = None if low is None else float(np.asarray(low))
        high = None if high is None else float(np.asarray(high))
        if low == 0.0 and high == 6.0:
            self.pass_through(node, "activation", function="relu6")
        elif low == 0.0 and (high is None or high == np.inf):
            self.pass_through(node, "activation", function="relu")
        else:
            raise node_error(node, f"Clip({low}, {high}) is not supported; supported: Clip(0, 6) (ReLU6) "
                             "and Clip(0, inf) (ReLU)")
