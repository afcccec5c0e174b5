"""Passes on the layer list: batch norms folded into the convolution before them, Pad nodes
merged into the padding of the layer that reads them, and torch's Relu-then-Clip ReLU6 made one
layer. Each pass keeps the model's function exactly (up to float rounding)."""
import numpy as np

from .onnx_import import MAX_PADDING, fits_pool


def readers(graph):
    """How many layers (and the model's output) read each layer's output."""
    count = [0] * len(graph.layers)
    for layer in graph.layers:
        for i in layer.inputs:
            if i >= 0:
                count[i] += 1
    count[graph.output.layer] += 1
    return count

def optimise(graph):
    """The passes every model gets, float or int8."""
    count = readers(graph)
    for layer in graph.layers:
        if layer.kind == "batch_norm" and layer.inputs[0] >= 0:
            conv = graph.layers[layer.inputs[0]]
            if conv.kind in ("conv", "depthwise") and count[layer.inputs[0]] == 1:
                scale, shift = layer.params["scale"], layer.params["shift"]
                conv.params["weights"] = (conv.params["weights"] * scale[:, None, None, None]).astype(np.float32)
                conv.params["bias"] = (conv.params["bias"] * scale + shift).astype(np.float32)
                conv.params["batch_norm_folded"] = True
                layer.kind = "removed"
        if layer.kind == "pad" and count[graph.layers.index(layer)] == 1:
            merge_pad(graph, layer)
        if layer.kind == "activation" and layer.params["function"] in ("relu", "relu6") and \
                layer.inputs[0] >= 0 and count[layer.inputs[0]] == 1:
            before = graph.layers[layer.inputs[0]]  # torch writes ReLU6 as Relu then Clip
            if before.kind == "activation" and before.params["function"] == "relu":
                before.kind = "removed"
    remove(graph, "removed")

def merge_pad(graph, pad):
    """A Pad node becomes the padding of the convolution or pooling that reads it where that
    computes the same; otherwise it stays, as a ZeroPadding2D layer."""
    index = graph.layers.index(pad)
    reader = next((l for l in graph.layers if index in l.inputs), None)
    if reader is None:  # the model's output: it stays a ZeroPadding2D layer
        return
    if reader.kind not in ("conv", "depthwise", "average_pool", "max_pool"):
        return
    if reader.kind == "average_pool" and max(reader.params["pads"]) and not reader.params["count_include_pad"]:
        return  # padded zeros count as data, the pool's own padding does not: keep both
    if reader.kind == "max_pool" and not non_negative(graph, pad.inputs[0]):
        return  # a zero would win over negative values, unlike the pool's own padding
    pads = tuple(a + b for a, b in zip(reader.params["pads"], pad.params["pads"]))
    if max(pads) > MAX_PADDING or (reader.kind != "conv" and reader.kind != "depthwise" and
                                   not fits_pool(pads, reader.params["kernel"])):
        return
    reader.params["pads"] = pads
    if reader.kind == "average_pool":
        reader.params["count_include_pad"] = True
    pad.kind = "removed"

def non_negative(graph, index):
    layer = graph.layers[index] if index >= 0 else None
    return layer is not None and layer.kind == "activation" and layer.params["function"] in (
        "relu", "relu6", "sigmoid")

def remove(graph, kind):
    """Drops layers of `kind` (each with one input) and renumbers the rest."""
    new_index, kept = {-1: -1}, []
    for i, layer in enumerate(graph.layers):
        if layer.kind == kind:
            new_index[i] = new_index[layer.inputs[0]]
        else:
            new_index[i] = len(kept)
            kept.append(layer)
    for layer in kept:
        layer.inputs = [new_index[i] for i in layer.inputs]
    graph.output.layer = new_index[graph.output.layer]
    graph.layers = kept
