"""The layer list run in numpy, in float64 on NHWC batches: what the model computes, layer by
layer, for calibrating int8 activation ranges. It follows the layers' ONNX definitions (Conv,
pooling with its padding rules, Gemm, Add, ...), independently of the C++ code; the tests check
it against PyTorch's outputs of every committed test model."""
import numpy as np


def _windows(x, kernel, stride, dilation, pads, fill):
    """Yields (tap_row, tap_column, slice) for each kernel tap: the input cells it reads for every
    output cell, from `x` padded with `fill` (top, left, bottom, right)."""
    top, left, bottom, right = pads
    padded = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=fill)
    out_h = (padded.shape[1] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    out_w = (padded.shape[2] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    for r in range(kernel[0]):
        for c in range(kernel[1]):
            r0, c0 = r * dilation[0], c * dilation[1]
            yield r, c, padded[:, r0:r0 + stride[0] * (out_h - 1) + 1:stride[0],
                               c0:c0 + stride[1] * (out_w - 1) + 1:stride[1], :]


def conv(x, p):
    weights = p["weights"].astype(np.float64)  # ONNX [out][in][rows][columns]
    out = 0.0
    for r, c, cells in _windows(x, p["kernel"], p["stride"], p["dilation"], p["pads"], 0.0):
        out = out + cells @ weights[:, :, r, c].T
    return out + p["bias"]


def depthwise(x, p):
    weights = p["weights"].astype(np.float64)  # ONNX [channels x multiplier][1][rows][columns]
    m = p["multiplier"]
    out = 0.0
    for r, c, cells in _windows(x, p["kernel"], p["stride"], p["dilation"], p["pads"], 0.0):
        out = out + np.repeat(cells, m, axis=3) * weights[:, 0, r, c]
    return out + p["bias"]


def pool(x, p, maximum):
    if maximum:
        return np.max(np.stack([cells for _, _, cells in _windows(x, p["kernel"], p["stride"], (1, 1),
                                                                   p["pads"], -np.inf)]), axis=0)
    total = sum(cells for _, _, cells in _windows(x, p["kernel"], p["stride"], (1, 1), p["pads"], 0.0))
    if p["count_include_pad"]:
        return total / (p["kernel"][0] * p["kernel"][1])
    ones = np.ones((1,) + x.shape[1:3] + (1,))
    count = sum(cells for _, _, cells in _windows(ones, p["kernel"], p["stride"], (1, 1), p["pads"], 0.0))
    return total / count


def activation(x, p):
    """In the precision of x: float64 for calibration, float32 (PyTorch's) for the int8 tables of
    quantize.lookup_table; Python-float constants take x's dtype."""
    function = p["function"]
    if function == "relu":
        return np.maximum(x, 0.0)
    if function == "relu6":
        return np.clip(x, 0.0, 6.0)
    if function == "leaky_relu":
        return np.where(x < 0.0, x * p["alpha"], x)
    if function == "prelu":
        return np.where(x < 0.0, x * p["slopes"].astype(x.dtype), x)  # slopes on the last (channel) axis
    if function == "tanh":
        return np.tanh(x)
    if function == "elu":
        return np.where(x > 0.0, x, p["alpha"] * np.expm1(np.minimum(x, 0.0)))
    if function == "hardswish":
        return x * np.clip(x + 3.0, 0.0, 6.0) / 6.0
    if function == "silu":
        return x / (1.0 + np.exp(-x))
    if function == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    raise ValueError(f"no reference for activation '{function}'")


def softmax(x):
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def layer_output(layer, inputs):
    kind, p, x = layer.kind, layer.params, inputs[0]
    if kind == "conv":
        return conv(x, p)
    if kind == "depthwise":
        return depthwise(x, p)
    if kind in ("max_pool", "average_pool"):
        return pool(x, p, kind == "max_pool")
    if kind == "global_average_pool":
        return np.mean(x, axis=(1, 2), keepdims=True)
    if kind == "global_max_pool":
        return np.max(x, axis=(1, 2), keepdims=True)
    if kind == "flatten":
        return x.reshape(x.shape[0], -1)  # NHWC order, as earshot's Flatten
    if kind == "dense":
        return x.reshape(x.shape[0], -1) @ p["weights"].astype(np.float64) + p["bias"]
    if kind == "batch_norm":
        return x * p["scale"] + p["shift"]
    if kind == "activation":
        return activation(x, p)
    if kind == "softmax":
        return softmax(x)
    if kind == "pad":
        top, left, bottom, right = p["pads"]
        return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))
    if kind == "add":
        return inputs[0] + inputs[1]
    if kind == "concat":
        return np.concatenate(inputs, axis=-1)  # NHWC channels, or the features
    raise ValueError(f"no reference for layer kind '{kind}'")


def run(graph, batch):
    """Every layer's output for an NHWC (or [N, features]) float batch; index -1 is the input."""
    outputs = {-1: np.asarray(batch, np.float64)}
    for index, layer in enumerate(graph.layers):
        outputs[index] = layer_output(layer, [outputs[i] for i in layer.inputs])
    return outputs
