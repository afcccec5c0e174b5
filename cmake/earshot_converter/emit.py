"""The emitter: the layer list as earshot::nn types in one C++ header, weights as constexpr
arrays in flash. Residual Adds become nested Residual<...> blocks; padding that is neither VALID
nor TensorFlow's SAME becomes earshot::nn::explicit_padding."""
import hashlib
import os

import numpy as np

from .errors import ConvertError
from .cpp import cpp_float, cpp_ratio, cpp_string
from .metadata import frontend_features, frontend_lines, pipeline_lines, read_frontend, read_labels
from .onnx_import import Layer, same_padding
from .passes import readers


WINDOW_KINDS = {"conv", "depthwise", "max_pool", "average_pool", "pad"}
WHOLE_KINDS = {"dense", "global_average_pool", "global_max_pool"}
ACTIVATION_TYPES = {"relu": "ReLU", "relu6": "ReLU6", "sigmoid": "Sigmoid", "tanh": "Tanh", "silu": "SiLU",
                    "hardswish": "HardSwish", "leaky_relu": "LeakyReLU", "elu": "ELU", "prelu": "PReLU"}


class Residual:
    def __init__(self, add, block):
        self.add = add      # the Add layer
        self.block = block  # items (layers or Residuals) applied to the shortcut's input


class Concatenation:
    def __init__(self, concat, source, branches):
        self.concat = concat      # the Concat layer
        self.source = source      # the layer whose output every branch reads (-1: the model's input)
        self.branches = branches  # per input, the items from the source to it ([]: the source itself)


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


class Emitter:
    def __init__(self, converter, args, source_bytes, quantization=None):
        self.c = converter
        self.args = args
        self.source_bytes = source_bytes
        self.q = quantization  # quantize.Quantization for an int8 model, None for float
        self.arrays = []      # (name, values, comment, C++ element type)
        self.objects = []     # (comment, C++ definition): requantization and tensor constants
        self.headers = {"earshot/nn/model.hpp"}
        self.readers = readers(converter)
        self.branch_sources = set()  # layers whose output the branches of a Concatenation read

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
            elif layer.kind == "concat":
                items.append(self.concatenation(layer))
                index = items[-1].source
            else:
                if index != end and self.readers[index] != 1 and not self.is_shortcut(index) and \
                        index not in self.branch_sources:
                    raise ConvertError(f"node '{layer.name}' ({layer.kind}): its output feeds "
                                       f"{self.readers[index]} layers; only residual Adds and Concats may branch")
                items.append(layer)
                index = layer.inputs[0]
        return items[::-1]

    def concatenation(self, layer):
        """A Concat's branches back to the latest layer they all come from."""
        common = set.intersection(*[self.ancestors(i) | {i} for i in layer.inputs])
        source = max(common)  # layers are in topological order; -1 is the model's input
        branches = [self.items(i, source) if i != source else [] for i in layer.inputs]
        for branch in branches:
            if branch is None or (branch and (isinstance(branch[0], (Residual, Concatenation)) or
                                              branch[0].kind not in WINDOW_KINDS | WHOLE_KINDS)):
                raise ConvertError(f"node '{layer.name}' (Concat): every branch must be a chain of layers from the "
                                   "branches' common input starting with a convolution, pooling or Dense layer")
        if source >= 0 and self.readers[source] != len(layer.inputs):
            raise ConvertError(f"node '{layer.name}' (Concat): the branches' input is read by "
                               f"{self.readers[source]} layers; supported: only by the {len(layer.inputs)} branches")
        self.branch_sources.add(source)
        return Concatenation(layer, source, branches)

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
    def array(self, name, values, comment, element="float"):
        dtype = {"float": np.float32, "std::int8_t": np.int8, "std::int32_t": np.int32}[element]
        self.arrays.append((name, np.asarray(values).astype(dtype).reshape(-1), comment, element))
        return "weights::" + name

    def constant(self, name, definition, comment):
        self.objects.append((comment, f"inline constexpr {definition.replace('NAME', name)};"))
        return "weights::" + name

    def tensor(self, name, t, comment):
        return self.constant(name, f"earshot::nn::TensorQuantization NAME{{{cpp_float(t.scale)}, {t.zero_point}}}",
                             f"{comment}: calibrated range [{t.low:.6g}, {t.high:.6g}]")

    def requantization_fields(self, lq):
        multipliers = ", ".join(str(int(m)) for m in lq.multipliers)
        shifts = ", ".join(str(int(v)) for v in lq.shifts)
        return f"{lq.input_offset}, {lq.output_offset}, {lq.output_min}, {lq.output_max}, {{{multipliers}}}, {{{shifts}}}"

    def requantization(self, tag, lq, note):
        self.tensor(tag + "_output", lq.output, note + " output")
        self.array(tag + "_weight_scales", lq.weight_scales, note + " per-channel weight scales (for reference)")
        return self.constant(tag + "_requantization", f"earshot::nn::Requantization<{len(lq.multipliers)}> NAME{{"
                             + self.requantization_fields(lq) + "}",
                             note + " requantization: input offset, output offset, clamps, Q31 multipliers, shifts")

    # --- layers ---------------------------------------------------------------------------
    def layer_types(self, items, shape):
        """C++ layer types for `items` starting from input shape (h, w, c)."""
        types = []
        for index, item in enumerate(items):
            if isinstance(item, Concatenation):
                self.headers.add("earshot/nn/concatenate.hpp")
                branches = []
                for branch in item.branches:
                    inner = self.layer_types(branch, shape) if branch else []
                    branches.append("earshot::nn::Branch<" + "".join(
                        ("\n" if i == 0 else ",\n") + "    " + t.replace("\n", "\n    ") for i, t in enumerate(inner)) + ">")
                types.append("earshot::nn::Concatenate<\n" + ",\n".join(
                    "    " + b.replace("\n", "\n    ") for b in branches) + ">")
                shape = item.concat.shape if len(item.concat.shape) == 3 else (1, 1, item.concat.shape[0])
                continue
            if isinstance(item, Residual):
                inner = self.layer_types(item.block, shape)
                block = ",\n".join("    " + t.replace("\n", "\n    ") for t in inner)
                if self.q is None:
                    types.append("earshot::nn::Residual<\n" + block + ">")
                else:
                    types.append(f"earshot::nn::QuantizedResidual<{self.add_requantization(item)},\n" + block + ">")
                continue
            if item.kind == "removed" or (self.q is not None and self.c.layers.index(item) in self.q.folded):
                continue
            following = items[index + 1] if index + 1 < len(items) else None
            # int8 fuses only a bias-free depthwise half (quantize.prepare moves it; a QDQ model's stays).
            if item.kind == "depthwise" and is_pointwise(following) and (
                    self.q is None or not np.any(item.params["bias"])):
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
        geometry = (f"earshot::nn::Kernel<{kh}, {kw}>, earshot::nn::Strides<{p['stride'][0]}, {p['stride'][1]}>, "
                    f"{padding}")
        dilation = f"earshot::nn::Dilation<{p['dilation'][0]}, {p['dilation'][1]}>"
        if self.q is not None:
            # int8: the depthwise result is its own int8 tensor (TFLite's two operators); the
            # depthwise bias was moved into the pointwise one before calibration (quantize.prepare).
            dq = self.q.layers[self.c.layers.index(depthwise)]
            pq = self.q.layers[self.c.layers.index(pointwise)]
            note = f"'{depthwise.name}' + '{pointwise.name}' (int8)"
            hwcm = dq.weights.reshape(shape[2], m, kh, kw).transpose(2, 3, 0, 1)
            names = (self.array(tag + "_depthwise_kernel", hwcm, note + " [rows][columns][channels][multiplier]",
                                "std::int8_t"),
                     self.array(tag + "_pointwise_kernel", pq.weights[:, :, 0, 0], note + " [filters][inputs]",
                                "std::int8_t"),
                     self.array(tag + "_bias", pq.bias, note + " pointwise bias", "std::int32_t"))
            self.tensor(tag + "_depthwise_output", dq.output, note + " depthwise output")
            self.tensor(tag + "_output", pq.output, note + " output")
            self.array(tag + "_depthwise_weight_scales", dq.weight_scales, note + " depthwise weight scales")
            self.array(tag + "_pointwise_weight_scales", pq.weight_scales, note + " pointwise weight scales")
            requantization = self.constant(
                tag + "_requantization", f"earshot::nn::SeparableRequantization<{len(dq.multipliers)}, "
                f"{len(pq.multipliers)}> NAME{{{{{self.requantization_fields(dq)}}}, {{{self.requantization_fields(pq)}}}}}",
                note + " requantization of the depthwise and the pointwise half")
            return [f"earshot::nn::SeparableConv2D<{pointwise.shape[2]}, {geometry}, {', '.join(names)}, {m}, "
                    f"{dilation}, {requantization}>"]
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

    def add_requantization(self, residual):
        """TFLite's ADD for a Residual: input [0] is the shortcut (the block's input), [1] the block's output."""
        add = residual.add
        lq = self.q.layers[self.c.layers.index(add)]
        last = residual.block[-1]
        branch = self.c.layers.index(last.add if isinstance(last, Residual) else last)
        shortcut = next(i for i in add.inputs if i != branch)
        (offset0, multiplier0, shift0), (offset1, multiplier1, shift1) = lq.inputs[shortcut], lq.inputs[branch]
        tag = f"layer{self.c.layers.index(add)}"
        self.tensor(tag + "_output", lq.output, f"'{add.name}' output")
        multiplier, shift = lq.output_multiplier
        return self.constant(
            tag + "_requantization",
            f"earshot::nn::AddRequantization NAME{{{lq.left_shift}, {{{offset0}, {offset1}}}, {{{multiplier0}, "
            f"{multiplier1}}}, {{{shift0}, {shift1}}}, {lq.output.zero_point}, {multiplier}, {shift}, "
            f"{lq.output_min}, {lq.output_max}}}",
            f"'{add.name}' requantization (TFLite ADD): left shift, input offsets, multipliers, shifts, output")

    def layer(self, layer, shape):
        kind, p = layer.kind, layer.params
        tag = f"layer{self.c.layers.index(layer)}"
        note = f"'{layer.name}'"
        if self.q is not None:
            quantized = self.layer_int8(layer, shape, tag, note)
            if quantized is not None:
                return quantized
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
            if f == "elu":
                return [f"earshot::nn::ELU<{cpp_ratio(p['alpha'])}>"]
            if f == "prelu":
                return [f"earshot::nn::PReLU<{self.array(tag + '_slopes', p['slopes'], note)}>"]
            return ["earshot::nn::" + ACTIVATION_TYPES[f]]
        if kind == "softmax":
            self.headers.add("earshot/nn/activations.hpp")
            return ["earshot::nn::Softmax"]
        raise ConvertError(f"internal: no earshot layer for '{kind}'")

    def layer_int8(self, layer, shape, tag, note):
        """The int8 form of a weighted layer or of the final Softmax; None where the float form is
        the same type (pooling, flatten, which keep their input's quantization)."""
        kind, p = layer.kind, layer.params
        lq = self.q.layers.get(self.c.layers.index(layer))
        note += " (int8)"
        if kind in ("conv", "depthwise"):
            padding = self.padding(layer, shape)
            kh, kw = p["kernel"]
            size = f"earshot::nn::Kernel<{kh}, {kw}>, earshot::nn::Strides<{p['stride'][0]}, {p['stride'][1]}>"
            dilation = f"earshot::nn::Dilation<{p['dilation'][0]}, {p['dilation'][1]}>"
            requantization = self.requantization(tag, lq, note)
            bias = self.array(tag + "_bias", lq.bias, note, "std::int32_t")
            if kind == "conv":
                self.headers.add("earshot/nn/conv2d.hpp")
                kernel = self.array(tag + "_kernel", lq.weights.transpose(0, 2, 3, 1), note + " OHWI", "std::int8_t")
                return [f"earshot::nn::Conv2D<{layer.shape[2]}, {size}, {padding}, {kernel}, {bias}, {dilation}, "
                        f"{requantization}>"]
            self.headers.add("earshot/nn/depthwise_conv2d.hpp")
            m = p["multiplier"]
            hwcm = lq.weights.reshape(shape[2], m, kh, kw).transpose(2, 3, 0, 1)
            kernel = self.array(tag + "_kernel", hwcm, note + " [rows][columns][channels][multiplier]", "std::int8_t")
            return [f"earshot::nn::DepthwiseConv2D<{size}, {padding}, {m}, {kernel}, {bias}, {dilation}, "
                    f"{requantization}>"]
        if kind == "dense":
            self.headers.add("earshot/nn/dense.hpp")
            requantization = self.requantization(tag, lq, note)
            kernel = self.array(tag + "_kernel", lq.weights.T, note + " [units][inputs]", "std::int8_t")
            bias = self.array(tag + "_bias", lq.bias, note, "std::int32_t")
            return [f"earshot::nn::Dense<{layer.shape[0]}, {kernel}, {bias}, {requantization}>"]
        if kind == "activation":
            self.headers.add("earshot/nn/lookup_table.hpp")
            function = ACTIVATION_TYPES[p["function"]]
            self.tensor(tag + "_output", lq.output, note + f" {function} output")
            table = self.array(tag + "_table", lq.table, note + f" {function}: the output code of every input code "
                               f"-128..127 (input scale {cpp_float(lq.input.scale)}, zero point {lq.input.zero_point})",
                               "std::int8_t")
            name = self.constant(tag + "_type", f'char NAME[] = "{function}"', note + " the function the table holds")
            return [f"earshot::nn::LookupTable<{table}, {name}>"]
        if kind == "softmax":
            self.headers.update({"earshot/nn/activations.hpp", "earshot/nn/quantized_tensors.hpp"})
            logits = self.tensor(tag + "_logits", lq.dequantize, note + " logits, dequantized before the softmax")
            return [f"earshot::nn::Dequantize<{logits}>", "earshot::nn::Softmax"]
        return None

    # --- the header -----------------------------------------------------------------------
    def header(self):
        c, args = self.c, self.args
        items = self.items(c.output.layer, -1)
        types = self.layer_types(items, c.input_shape if len(c.input_shape) == 3 else (1, 1, c.input_shape[0]))
        h, w, ch = c.input_shape if len(c.input_shape) == 3 else (1, 1, c.input_shape[0])
        input_type = f"earshot::nn::Input<{h}, {w}, {ch}>"
        if self.q is not None:
            self.headers.update({"earshot/nn/quantization.hpp", "earshot/nn/quantized_tensors.hpp"})
            input_q = self.tensor("input_quantization", self.q.tensors[-1], "the model's input")
            input_type = f"earshot::nn::QuantizedInput<{h}, {w}, {ch}, {input_q}>"
            if self.q.final_dequantize is not None:
                output_q = self.tensor("output_quantization", self.q.final_dequantize, "the model's output")
                types.append(f"earshot::nn::Dequantize<{output_q}>")
        output_shape = list(c.output.onnx_shape)
        labels = read_labels(args.labels, output_shape) if args.labels else []
        frontend = read_frontend(args.frontend) if args.frontend else None
        fits = []
        if frontend is not None:
            self.headers.update({"earshot/dsp/frontend.hpp", "earshot/dsp/normalize.hpp"})
            features = frontend_features(frontend)
            if len(c.input_shape) == 3 and c.input_shape[0] != features:
                raise ConvertError(f"the front-end file '{args.frontend}' gives {features} features a frame, but the "
                                   f"model's input has {c.input_shape[0]} rows (input {list(c.input_onnx_shape)})")
            if len(c.input_shape) == 3:
                self.headers.add("earshot/pipeline/voter.hpp")
                if "anomaly" in frontend:
                    self.headers.add("earshot/pipeline/machine_state.hpp")
                    inputs, outputs = int(np.prod(c.input_shape)), int(np.prod(output_shape[1:]))
                    if outputs != inputs:
                        raise ConvertError(f"the front-end file '{args.frontend}' makes the model an anomaly detector, "
                                           f"but its output ({outputs} values) does not reconstruct its input "
                                           f"({inputs} values)")
                fits = pipeline_lines(frontend, c.input_shape[1])
                fits += ["", "// The front-end fills the model's input rows, one feature a row.",
                        "static_assert(Model::InputShape::height == " + str(features) +
                        ", \"the front-end's features must fill the model's input rows\");"]
        model = self.c.model
        digest = hashlib.sha256(self.source_bytes).hexdigest()
        source = os.path.basename(args.model)
        lines = [
            f"// {args.name}: an earshot model generated by earshot_convert.py from {source}; do not edit.",
            f"// Source sha256 {digest}, written by {model.producer_name or 'an unknown producer'} "
            f"{model.producer_version} at opset {c.opset}. " + (
                "Weights are the ONNX float32 values, rearranged for earshot's NHWC layers." if self.q is None else
                "int8 by TFLite's quantization specification (earshot_converter/quantize.py), " + (
                    f"calibrated on {self.q.samples} inputs of {os.path.basename(self.q.path)} (sha256 {self.q.digest})."
                    if self.q.path else "with the scales of the QDQ model (its QuantizeLinear/DequantizeLinear pairs).")),
            "#pragma once",
            "",
            "#include <array>",
            "#include <cstddef>",
            "#include <cstdint>",
            "#include <limits>",
            "#include <ratio>",
            "",
        ]
        lines += [f'#include "{name}"' for name in sorted(self.headers)]
        namespace = f"{args.namespace}::{args.name}" if args.namespace else args.name
        lines += ["", f"namespace {namespace} {{", "", "namespace weights {", ""]
        for comment, definition in self.objects:
            lines += [f"// {comment}", definition]
        for name, values, comment, element in self.arrays:
            spell = cpp_float if element == "float" else (lambda v: str(int(v)))
            per_line = 8 if element == "float" else 16
            lines.append(f"// {comment}")
            lines.append(f"alignas(16) inline constexpr {element} {name}[{values.size}] = {{")
            for start in range(0, values.size, per_line):
                lines.append("    " + ", ".join(spell(v) for v in values[start:start + per_line]) + ",")
            lines.append("};")
        lines += ["", "}  // namespace weights", ""]
        lines.append("// The model: earshot::nn::Model<earshot::nn::Input<height, width, channels>, layers...>.")
        lines.append(f"using Model = earshot::nn::Model<{input_type},")
        lines.append(",\n".join("    " + t.replace("\n", "\n    ") for t in types) + ">;")
        channels_first = lambda layout: "true" if layout == "NCHW" else "false"
        lines += [
            "",
            f"inline constexpr const char* name = {cpp_string(args.name)};",
            f"inline constexpr const char* source_file = {cpp_string(source)};",
            f'inline constexpr const char* source_sha256 = "{digest}";',
            f"inline constexpr bool quantized = {'true' if self.q is not None else 'false'};",
            f'inline constexpr const char* calibration_sha256 = "{self.q.digest if self.q is not None else ""}";',
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
        lines += fits
        lines += ["", f"}}  // namespace {namespace}", ""]
        return "\n".join(lines)

