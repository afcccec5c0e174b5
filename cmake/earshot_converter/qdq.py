"""Import of ONNX models already quantized in QDQ form (QuantizeLinear / DequantizeLinear pairs,
as torch.onnx.export writes fake-quantized models and as ONNX Runtime's quantizer writes them),
when they follow TFLite's int8 specification: weights int8, symmetric (zero point 0) per output
channel or per tensor, in [-127, 127]; activations int8 per tensor. The importer keeps the float
graph (weights dequantized, each Q/DQ pair an identity) and records the scales: a layer's
weight scales in its params ("weight_scales"), every quantized tensor's (scale, zero point) in
Converter.activation_quantization by the layer that makes it (-1: the model's input).
quantize.py then takes these scales instead of calibrating."""
import numpy as np

from .errors import node_error


def _zero_point(node, inputs):
    """The zero point (its dtype says int8 or uint8); ONNX's default is uint8 0."""
    if len(inputs) > 2 and inputs[2] is not None:
        return np.asarray(inputs[2])
    return np.zeros((), np.uint8)


def _broadcast(node, values, rank, attrs):
    axis = attrs.get("axis", 1)
    values = np.asarray(values)
    if values.ndim == 0 or values.size == 1:
        return values.reshape(()), None
    shape = [1] * rank
    shape[axis % rank] = -1
    return values.reshape(shape), axis % rank


def fold_quantize(node, inputs, attrs):
    x, scale = np.asarray(inputs[0], np.float64), np.asarray(inputs[1], np.float64)
    zero_point = _zero_point(node, inputs)
    scale, _ = _broadcast(node, scale, x.ndim, attrs)
    zero, _ = _broadcast(node, zero_point.astype(np.int64), x.ndim, attrs)
    info = np.iinfo(zero_point.dtype)
    return np.clip(np.rint(x / scale) + zero, info.min, info.max).astype(zero_point.dtype)


def fold_dequantize(node, inputs, attrs):
    q = np.asarray(inputs[0])
    scale, _ = _broadcast(node, np.asarray(inputs[1], np.float32), q.ndim, attrs)
    zero, _ = _broadcast(node, _zero_point(node, inputs).astype(np.int64), q.ndim, attrs)
    return ((q.astype(np.int64) - zero).astype(np.float32) * scale).astype(np.float32)


def constant_quantization(node, inputs, attrs):
    """What a folded DequantizeLinear of a constant (a weight) says about its quantization."""
    q = np.asarray(inputs[0])
    zero_point = _zero_point(node, inputs)
    scale = np.asarray(inputs[1], np.float32).reshape(-1)
    axis = attrs.get("axis", 1) % max(q.ndim, 1) if scale.size > 1 else None
    return dict(values=q, scale=scale, zero_point=np.asarray(zero_point).reshape(-1), axis=axis, node=node)


def weight_scales(converter, node, name, output_axis, outputs):
    """The per-output-channel scales of the weight constant `name` if it came from a
    DequantizeLinear, checked against the specification; None for a float weight."""
    info = converter.weight_quantization.get(name)
    if info is None:
        return None
    q = info["values"]
    if q.dtype != np.int8:
        raise node_error(node, f"its weights are {q.dtype} in QDQ form; TFLite's int8 scheme needs int8 weights")
    if np.any(info["zero_point"] != 0):
        raise node_error(node, "its QDQ weights have a non-zero zero point; TFLite's int8 weights are symmetric")
    if np.any(q == -128):
        raise node_error(node, "its QDQ weights use -128; TFLite's int8 weights are in [-127, 127]")
    scale = info["scale"]
    if info["axis"] is None:
        return np.full(outputs, scale[0], np.float32)
    if info["axis"] != output_axis or scale.size != outputs:
        raise node_error(node, f"its QDQ weight scales are along axis {info['axis']}; supported: one per output "
                         "channel, or one for the tensor")
    return scale.astype(np.float32)


def quantize_activation(converter, node):
    """QuantizeLinear of a tensor computed at run time: an identity whose scale is recorded when
    the DequantizeLinear after it is met."""
    source = converter.value(node)
    scale = converter.constant(node, 1, "the scale")
    zero = converter.constant(node, 2, "the zero point")
    zero = np.zeros((), np.uint8) if zero is None else np.asarray(zero)
    if zero.dtype != np.int8:
        raise node_error(node, f"{zero.dtype} activations; TFLite's int8 scheme quantizes activations to int8 "
                         "(torch: quant range (-128, 127))")
    if np.asarray(scale).size != 1 or np.asarray(zero).size != 1:
        raise node_error(node, "per-axis activation quantization; TFLite's int8 activations have one scale a tensor")
    scale = float(np.asarray(scale).reshape(-1)[0])
    if not scale > 0 or not np.isfinite(scale):
        raise node_error(node, f"scale {scale} must be positive and finite")
    converter.pending_quantization[node.output[0]] = (source.layer, np.float32(scale), int(zero.reshape(-1)[0]))
    converter.alias(node, source)


def dequantize_activation(converter, node):
    pending = converter.pending_quantization.get(node.input[0])
    if pending is None:
        raise node_error(node, "a DequantizeLinear of a run-time tensor must follow its QuantizeLinear")
    layer, scale, zero_point = pending
    known = converter.activation_quantization.get(layer)
    if known is not None and (known[0] != scale or known[1] != zero_point):
        raise node_error(node, "the same tensor is quantized twice with different scales")
    converter.activation_quantization[layer] = (scale, zero_point)
    converter.alias(node, converter.value(node))
