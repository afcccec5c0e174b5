"""Constant folding: initialisers, Constant nodes and the shape arithmetic that exporters write
around `view`, `F.pad` and friends. Every shape is static (batch 1), so all of it folds; the
importer (onnx_import.py) evaluates a node here when all its inputs are constants."""
import numpy as np
import onnx
from onnx import helper, numpy_helper

from . import qdq


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
    "QuantizeLinear": qdq.fold_quantize,
    "DequantizeLinear": qdq.fold_dequantize,
}
