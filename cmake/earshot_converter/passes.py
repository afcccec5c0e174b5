"""Passes on the layer list: batch norms (and constant scales and shifts) folded into the
convolution or Dense before them, or into the Dense after them (a model that standardises its
input), Pad nodes merged into the padding of the layer that reads them,
and torch's Relu-then-Clip ReLU6 made one layer. Each pass keeps the model's function exactly (up
to float rounding)."""
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
            source = layer.inputs[0]
            while source >= 0 and graph.layers[source].kind == "removed":  # a scale and shift folded just before
                source = graph.layers[source].inputs[0]
            producer = graph.layers[source] if source >= 0 else None
            if producer is not None and producer.kind == "batch_norm" and count[source] == 1:
                # Two scales and shifts in a row ((x - mean) / std): one, in the form
                # gamma x + beta (mean 0, variance 1, epsilon 0).
                scale = producer.params["scale"] * layer.params["scale"]
                shift = producer.params["shift"] * layer.params["scale"] + layer.params["shift"]
                producer.params.update(scale=scale, shift=shift, gamma=scale, beta=shift, mean=np.zeros_like(scale),
                                       variance=np.ones_like(scale), epsilon=0.0)
                layer.kind = "removed"
            if producer is not None and producer.kind in ("conv", "depthwise", "dense") and count[source] == 1 and \
                    count[layer.inputs[0]] == 1:
                scale, shift = layer.params["scale"], layer.params["shift"]
                weights = producer.params["weights"].astype(np.float64)  # conv [out]..., dense [in][out]
                weights = weights * (scale if producer.kind == "dense" else scale[:, None, None, None])
                producer.params["weights"] = weights.astype(np.float32)
                producer.params["bias"] = (producer.params["bias"] * scale + shift).astype(np.float32)
                producer.params["batch_norm_folded"] = True
                layer.kind = "removed"
        if layer.kind == "dense" and layer.inputs[0] >= 0 and count[layer.inputs[0]] == 1:
            source = layer.inputs[0]
            while source >= 0 and graph.layers[source].kind == "removed":
                source = graph.layers[source].inputs[0]
            norm = graph.layers[source] if source >= 0 else None
            if norm is not None and norm.kind == "batch_norm" and count[source] == 1:
                # W^T (scale x + shift) + b = (scale W)^T x + (b + W^T shift). Only into a Dense: a
                # convolution's zero padding would not be the scaled input's zero.
                scale, shift = norm.params["scale"].astype(np.float64), norm.params["shift"].astype(np.float64)
                weights = layer.params["weights"].astype(np.float64)  # [in][out]
                layer.params["bias"] = (layer.params["bias"] + shift @ weights).astype(np.float32)
                layer.params["weights"] = (weights * scale[:, None]).astype(np.float32)
                layer.params["batch_norm_folded"] = True
                norm.kind = "removed"
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
    if reader.kind == "average_pool":  # the padded zeros count (torch writes a Pad of zeros, too)
        reader.params["count_include_pad"] = max(pads) > 0
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
