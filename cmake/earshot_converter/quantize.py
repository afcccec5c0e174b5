"""Post-training int8 quantization by TensorFlow Lite's specification.

- Weights: int8, symmetric per output channel (zero point 0, range [-127, 127]), scale
  max|w| / 127; quantized as PyTorch's fake_quantize_per_channel_affine does, in float32:
  nearbyint(w x (1 / scale)).
- Activations: int8, asymmetric per tensor. The range of every tensor is its minimum and maximum
  over the calibration set (the layer list run in numpy, reference.py), widened to hold 0;
  scale = (max - min) / 255, zero point = round(-128 - min / scale). ReLU and ReLU6 become the
  output clamps of the layer before (whose tensor takes the activation's range); max pooling,
  average pooling, flatten and global pooling keep their input's scale and zero point. Every
  other activation (and a ReLU with no layer before it to clamp) is a table of its 256 results,
  between its input's quantization and its own calibrated one (lookup_table). A Concat is a
  copy, as TFLite's CONCATENATION: the layers that compute its inputs take its quantization.
- Bias: int32, scale input scale x weight scale of its channel.
- Requantization: input scale x weight scale / output scale as a Q31 multiplier and a shift
  (TFLite's QuantizeMultiplier); residual Adds as TFLite's ADD (left shift 20, both inputs
  scaled to twice the larger input scale).
- Softmax runs in float on the dequantized logits (a Dequantize layer before it).
A model already quantized in QDQ form (qdq.py) brings its own scales: they are used as they are
(every layer's output must be quantized), and no calibration set is read.
"""
import hashlib
import math

import numpy as np

from . import reference
from .errors import ConvertError
from .passes import readers

MINIMUM_SAMPLES = 10
FOLDABLE_ACTIVATIONS = ("relu", "relu6")
PRODUCERS = ("conv", "depthwise", "dense", "add")
KEEPS_QUANTIZATION = ("max_pool", "average_pool", "global_average_pool", "global_max_pool", "flatten")
INT8_KINDS = "Conv, depthwise Conv, Gemm/MatMul, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, " \
    "Flatten, residual Add, Concat, the activations (Relu, Clip(0, 6), LeakyRelu, PRelu, Sigmoid, Tanh, Elu, SiLU, " \
    "HardSwish), and a final Softmax"


class TensorQuantization:
    def __init__(self, scale, zero_point, low, high):
        self.scale = np.float32(scale)
        self.zero_point = int(zero_point)
        self.low, self.high = float(low), float(high)  # the calibrated range, for the header's comments


class LayerQuantization:
    """What the emitter writes for one layer: int8 weights, int32 bias, per-channel multipliers."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def quantize_multiplier(real):
    """TFLite's QuantizeMultiplier: real = multiplier x 2^shift / 2^31, multiplier in [2^30, 2^31)."""
    if real == 0.0:
        return 0, 0
    fraction, shift = math.frexp(real)
    multiplier = int(round(fraction * (1 << 31)))
    if multiplier == 1 << 31:
        multiplier //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        raise ConvertError(f"a requantization scale of {real:g} is too large for int8 (more than 2^30)")
    return multiplier, shift


def lookup_table(layer, given, out):
    """Entry q + 128: the int8 result for input code q, by PyTorch's fake quantization (dequantize
    in float32, the function, quantize with round-half-even); one row per channel for a PReLU with
    a slope per channel."""
    codes = np.arange(-128, 128, dtype=np.int32)
    x = (codes - given.zero_point).astype(np.float32) * given.scale
    rows = layer.params["slopes"].size if layer.params["function"] == "prelu" else 1
    # The codes in a column per table, the channels last as the layer list's tensors have them.
    y = reference.activation(np.repeat(x[:, None], rows, axis=1), layer.params).T
    assert y.dtype == np.float32, "reference.activation must keep float32 inputs in float32"
    q = np.rint(y * (np.float32(1.0) / out.scale)) + out.zero_point
    return np.clip(q, -128, 127).astype(np.int8)


def tensor_quantization(values, what):
    low = min(float(np.min(values)), 0.0)
    high = max(float(np.max(values)), 0.0)
    if not high > low:
        raise ConvertError(f"calibration: {what} is 0 for every calibration input, so it has no int8 range; "
                           "use representative inputs")
    scale = np.float32((high - low) / 255.0)
    zero_point = int(np.clip(round(-128 - low / float(scale)), -128, 127))
    return TensorQuantization(scale, zero_point, low, high)


def per_channel_weights(weights, axis, scales=None):
    """Symmetric int8 weights with one scale per index of `axis` (PyTorch's rounding, in float32);
    the scales are max|w| / 127 unless given (a QDQ model's)."""
    weights = np.asarray(weights, np.float32)
    if scales is None:
        moved = np.moveaxis(weights, axis, 0).reshape(weights.shape[axis], -1)
        scales = (np.max(np.abs(moved), axis=1) / np.float32(127)).astype(np.float32)
        scales[scales == 0] = np.float32(1.0)  # an all-zero channel: any scale gives zeros
    inverse = (np.float32(1.0) / scales).astype(np.float32)
    shape = [1] * weights.ndim
    shape[axis] = -1
    q = np.clip(np.rint(weights * inverse.reshape(shape)), -127, 127).astype(np.int8)
    return q, scales


def read_calibration(graph, path):
    try:
        data = np.load(path, allow_pickle=False)
    except OSError as error:
        raise ConvertError(f"cannot read the calibration file '{path}': {error.strerror or error}") from None
    except Exception as error:
        raise ConvertError(f"the calibration file '{path}' is not a .npy array ({type(error).__name__})") from None
    expected = tuple(graph.input_onnx_shape[1:])
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "fiu" or data.ndim != len(expected) + 1 or \
            tuple(data.shape[1:]) != expected:
        shape = getattr(data, "shape", "?")
        raise ConvertError(f"calibration file '{path}': shape {tuple(shape)} does not fit the model's input: "
                           f"expected (N, {', '.join(map(str, expected))}) in the framework's layout")
    if data.shape[0] < MINIMUM_SAMPLES:
        raise ConvertError(f"calibration file '{path}': {data.shape[0]} inputs; at least {MINIMUM_SAMPLES} "
                           "representative inputs are needed")
    data = data.astype(np.float64)
    if not np.all(np.isfinite(data)):
        raise ConvertError(f"calibration file '{path}': holds NaN or infinite values")
    if np.min(data) == np.max(data):
        raise ConvertError(f"calibration file '{path}': every value is {np.min(data):g}; the inputs must vary")
    if data.ndim == 4 and graph.input_layout == "NCHW":
        data = data.transpose(0, 2, 3, 1)
    if data.ndim == 3:  # [N, mels, frames]: the rows of a one-channel image
        data = data[..., None]
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return data, digest


def given_quantization(graph, index, what):
    """A QDQ model's quantization of layer `index`'s output (-1: the input)."""
    found = graph.activation_quantization.get(index)
    if found is None:
        raise ConvertError(f"QDQ model: {what} has no QuantizeLinear/DequantizeLinear pair; every layer's output "
                           "must be quantized (or convert the float model with --calibration)")
    scale, zero_point = found
    return TensorQuantization(scale, zero_point, (-128 - zero_point) * float(scale), (127 - zero_point) * float(scale))


def prepare(graph, move_depthwise_bias=True):
    """Rewrites that int8 needs: ReLU moved before a MaxPool (they commute), so that it becomes a
    clamp of the convolution; a depthwise bias moved into the 1x1 convolution after it (the
    emitter fuses the two into SeparableConv2D, whose int8 depthwise half has no bias); then
    every layer is checked to have an int8 form."""
    count = readers(graph)
    for index, layer in enumerate(graph.layers):
        source = layer.inputs[0] if layer.inputs else -1
        if layer.kind == "activation" and layer.params["function"] in FOLDABLE_ACTIVATIONS and source >= 0 and \
                graph.layers[source].kind == "max_pool" and count[source] == 1 and graph.layers[source].inputs[0] >= 0:
            pool, below = graph.layers[source], graph.layers[source].inputs[0]
            if count[below] == 1 and graph.layers[below].kind in PRODUCERS:
                # producer -> pool -> activation becomes producer -> activation -> pool: the two
                # swap places in the list, so whatever read the activation now reads the pool.
                layer.inputs, layer.shape = [below], graph.layers[below].shape
                pool.inputs = [source]
                graph.layers[source], graph.layers[index] = layer, pool
                given = graph.activation_quantization
                swapped = {source: given.get(index), index: given.get(source)}
                given.update({k: v for k, v in swapped.items() if v is not None})
                count = readers(graph)
    for index, layer in enumerate(graph.layers):
        if move_depthwise_bias and layer.kind == "depthwise" and count[index] == 1:
            after = next((l for l in graph.layers if index in l.inputs), None)
            if after is not None and after.kind == "conv" and after.params["kernel"] == (1, 1) and \
                    after.params["stride"] == (1, 1) and max(after.params["pads"]) == 0:
                pointwise = after.params["weights"][:, :, 0, 0].astype(np.float64)  # [out][in]
                after.params["bias"] = (after.params["bias"] + pointwise @ layer.params["bias"]).astype(np.float32)
                layer.params["bias"] = np.zeros_like(layer.params["bias"])
    for index, layer in enumerate(graph.layers):
        supported = layer.kind in PRODUCERS + KEEPS_QUANTIZATION + ("activation", "concat")
        if layer.kind == "softmax":
            supported = index == graph.output.layer
        if layer.kind == "average_pool" and layer.params["count_include_pad"]:
            raise ConvertError(f"node '{layer.name}' (AveragePool): int8 does not cover count_include_pad=1 "
                               "with padding (a padded cell would be the zero point); use count_include_pad=0")
        if not supported:
            what = layer.params.get("function", layer.kind) if layer.kind == "activation" else layer.kind
            raise ConvertError(f"node '{layer.name}' ({what}): int8 does not cover this layer here; "
                               f"int8 covers {INT8_KINDS}")


def quantize(graph, calibration_path):
    from_qdq = bool(graph.activation_quantization)
    if from_qdq and calibration_path:
        raise ConvertError("the model is already quantized (QDQ): its own scales are used; drop --calibration")
    if not from_qdq and not calibration_path:
        raise ConvertError("--quantize int8 needs --calibration calib.npy (representative inputs)")
    prepare(graph, move_depthwise_bias=not from_qdq)
    if from_qdq:
        digest, samples = "", 0
        tensor_of = lambda index, what: given_quantization(graph, index, what)  # noqa: E731
    else:
        data, digest = read_calibration(graph, calibration_path)
        samples = data.shape[0]
        outputs = reference.run(graph, data)
        tensor_of = lambda index, what: tensor_quantization(outputs[index], what)  # noqa: E731
    # A Concat's inputs take the Concat's quantization (through nested Concats too).
    joins = {i: index for index, layer in enumerate(graph.layers) if layer.kind == "concat" for i in layer.inputs}

    def joined(index):
        while index in joins:
            index = joins[index]
        return index
    own_tensor_of = tensor_of
    tensor_of = lambda index, what: own_tensor_of(joined(index), what)  # noqa: E731
    count = readers(graph)
    tensors = {-1: tensor_of(-1, "the model's input")}
    layers = {}
    folded = set()
    for index, layer in enumerate(graph.layers):
        if index in folded:
            continue
        kind, p = layer.kind, layer.params
        source = layer.inputs[0] if layer.inputs else -1
        if kind in KEEPS_QUANTIZATION:
            tensors[index] = tensors[source]
            given = graph.activation_quantization.get(index)
            if from_qdq and given is not None and (given[0] != tensors[source].scale or given[1] != tensors[source].zero_point):
                raise ConvertError(f"node '{layer.name}' ({kind}): the QDQ model gives its output another scale than its "
                                   "input's; TFLite's int8 pooling and flatten keep the input's")
            continue
        if kind == "softmax":
            layers[index] = LayerQuantization(dequantize=tensors[source])
            continue
        if kind == "concat":
            tensors[index] = tensor_of(index, f"the output of node '{layer.name}' (concat)")
            given = graph.activation_quantization
            if from_qdq and any(given.get(i, given.get(index)) != given.get(index) for i in layer.inputs):
                raise ConvertError(f"node '{layer.name}' (Concat): the QDQ model quantizes the Concat's inputs with other "
                                   "scales than its output; TFLite's int8 CONCATENATION needs them all alike")
            for i in layer.inputs:
                t = tensors[i]
                if (t.scale, t.zero_point) != (tensors[index].scale, tensors[index].zero_point):
                    what = "the model's input" if i < 0 else f"node '{graph.layers[i].name}' ({graph.layers[i].kind})"
                    raise ConvertError(f"node '{layer.name}' (Concat): int8 needs every input at the Concat's scale "
                                       f"(TFLite's CONCATENATION), but {what} keeps its own; supported: inputs computed "
                                       "by a convolution, Dense, Add or activation")
            continue
        if kind == "activation":  # not a clamp of the layer before: a table
            out = tensor_of(index, f"the output of node '{layer.name}' ({p['function']})")
            tensors[index] = out
            layers[index] = LayerQuantization(table=lookup_table(layer, tensors[source], out), input=tensors[source],
                                              output=out)
            continue
        # A producer: its tensor takes the range of the ReLU/ReLU6 that reads it, if one does.
        after = next((i for i, l in enumerate(graph.layers) if index in l.inputs), None)
        activation = None
        if after is not None and count[index] == 1 and graph.layers[after].kind == "activation" and \
                graph.layers[after].params["function"] in FOLDABLE_ACTIVATIONS:
            activation = graph.layers[after].params["function"]
            folded.add(after)
        out = tensor_of(after if activation else index, f"the output of node '{layer.name}' ({kind})")
        tensors[index] = out
        if activation:
            tensors[after] = out
        low, high = -128, 127
        if activation:
            low = max(low, out.zero_point)
            if activation == "relu6":
                high = min(high, out.zero_point + int(np.rint(6.0 / float(out.scale))))
        if kind == "add":
            a, b = (tensors[i] for i in layer.inputs)
            twice_max = 2.0 * max(float(a.scale), float(b.scale))
            left_shift = 20
            inputs = {}
            for i, t in zip(layer.inputs, (a, b)):
                inputs[i] = (-t.zero_point,) + quantize_multiplier(float(t.scale) / twice_max)
            layers[index] = LayerQuantization(
                left_shift=left_shift, inputs=inputs, output=out,
                output_multiplier=quantize_multiplier(twice_max / ((1 << left_shift) * float(out.scale))),
                output_min=low, output_max=high)
            continue
        given = tensors[source]
        if p.get("weight_scales") is not None and p.get("batch_norm_folded"):
            raise ConvertError(f"node '{layer.name}' ({kind}): a BatchNormalization after QDQ weights changes them; "
                               "fold the batch norm before quantizing")
        if kind == "dense":
            weights, scales = per_channel_weights(p["weights"], 1, p.get("weight_scales"))  # [inputs][units]
        else:
            weights, scales = per_channel_weights(p["weights"], 0, p.get("weight_scales"))  # ONNX [out][in][rows][columns]
        bias_scale = float(given.scale) * scales.astype(np.float64)
        bias = np.rint(np.asarray(p["bias"], np.float64) / bias_scale)
        if np.max(np.abs(bias)) >= 2**31:
            raise ConvertError(f"node '{layer.name}' ({kind}): a bias does not fit int32 at scale input x weight scale")
        multipliers = [quantize_multiplier(s * float(given.scale) / float(out.scale)) for s in scales.astype(np.float64)]
        layers[index] = LayerQuantization(
            weights=weights, weight_scales=scales, bias=bias.astype(np.int32), input=given, output=out,
            input_offset=-given.zero_point, output_offset=out.zero_point, output_min=low, output_max=high,
            multipliers=np.array([m for m, _ in multipliers], np.int64), shifts=np.array([s for _, s in multipliers], np.int64),
            activation=activation)
    last = graph.output.layer
    return Quantization(tensors, layers, folded, digest, calibration_path, samples,
                        None if graph.layers[last].kind == "softmax" else tensors[last])


class Quantization:
    def __init__(self, tensors, layers, folded, digest, path, samples, final_dequantize):
        self.tensors = tensors    # layer index (-1: the input) -> TensorQuantization of its output
        self.layers = layers      # layer index -> LayerQuantization (producers, and a softmax's Dequantize)
        self.folded = folded      # indices of ReLU/ReLU6 layers that became clamps
        self.digest = digest      # SHA-256 of the calibration file
        self.path = path
        self.samples = samples
        self.final_dequantize = final_dequantize  # the output's quantization when no Softmax ends the model
