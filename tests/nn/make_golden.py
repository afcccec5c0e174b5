#!/usr/bin/python3
"""Reference outputs for earshot's NN layers and models, computed with PyTorch.

Run with Debian's python3 (numpy, torch): /usr/bin/python3 tests/nn/make_golden.py
Writes tests/data/nn/<case>.bin. Arrays are in earshot's (Keras') layouts: activations NHWC
without the batch dimension, Conv2D kernels HWIO, depthwise kernels [kh][kw][in][mult],
Dense kernels [in][out]. TensorFlow's "same" padding is emulated with an explicit F.pad;
PyTorch's own (explicit) padding is its `padding` argument or F.pad.

File format (little-endian): u32 array count, then per array: u32 name length, name bytes,
u32 element count, float32 data.
"""
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "nn")
rng = np.random.default_rng(20240601)
torch.set_num_threads(2)


def rand(*shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def save(name, arrays):
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(struct.pack("<I", len(arrays)))
        for key, value in arrays.items():
            data = np.ascontiguousarray(value, dtype="<f4").ravel()
            f.write(struct.pack("<I", len(key)) + key.encode())
            f.write(struct.pack("<I", data.size) + data.tobytes())


def nchw(x):  # HWC numpy -> 1CHW tensor
    return torch.from_numpy(x).permute(2, 0, 1).unsqueeze(0)


def hwc(t):  # 1CHW tensor -> HWC numpy
    return t.squeeze(0).permute(1, 2, 0).contiguous().numpy()


def same_pad(size, kernel, stride, dilation=1):
    span = (kernel - 1) * dilation + 1
    total = max((math.ceil(size / stride) - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def pad_for(x, kernel, stride, padding, dilation=(1, 1), value=0.0):
    if padding == "valid":
        return x
    top, bottom = same_pad(x.shape[2], kernel[0], stride[0], dilation[0])
    left, right = same_pad(x.shape[3], kernel[1], stride[1], dilation[1])
    return F.pad(x, (left, right, top, bottom), value=value)


def conv2d(x, kernel, bias, stride, padding, dilation=(1, 1)):
    w = torch.from_numpy(kernel).permute(3, 2, 0, 1)
    b = None if bias is None else torch.from_numpy(bias)
    return F.conv2d(pad_for(x, kernel.shape[:2], stride, padding, dilation), w, b, stride, 0, dilation)


def depthwise(x, kernel, bias, stride, padding, dilation=(1, 1)):
    kh, kw, cin, mult = kernel.shape
    w = torch.from_numpy(kernel.reshape(kh, kw, cin * mult)).permute(2, 0, 1).unsqueeze(1)
    b = None if bias is None else torch.from_numpy(bias)
    return F.conv2d(pad_for(x, (kh, kw), stride, padding, dilation), w, b, stride, 0, dilation, groups=cin)


def separable(x, dw, pw, bias, stride, padding):
    y = depthwise(x, dw, None, stride, padding)
    return conv2d(y, pw.reshape(1, 1, *pw.shape), bias, (1, 1), "valid")


def maxpool(x, size, stride, padding):
    return F.max_pool2d(pad_for(x, size, stride, padding, value=-math.inf), size, stride)


def avgpool(x, size, stride, padding):
    ones = torch.ones_like(x)
    total = F.avg_pool2d(pad_for(x, size, stride, padding), size, stride) * (size[0] * size[1])
    count = F.avg_pool2d(pad_for(ones, size, stride, padding), size, stride) * (size[0] * size[1])
    return total / count


def batchnorm(x, p, eps=1e-3):
    t = {k: torch.from_numpy(v) for k, v in p.items()}
    return F.batch_norm(x, t["mean"], t["variance"], t["gamma"], t["beta"], False, 0.0, eps)


def bn_params(c):
    return {"gamma": rand(c, scale=0.3) + 1.0, "beta": rand(c, scale=0.2), "mean": rand(c, scale=0.2),
            "variance": np.abs(rand(c)) + 0.5}


def dense(v, kernel, bias):
    return torch.from_numpy(v) @ torch.from_numpy(kernel) + torch.from_numpy(bias)


def layer_cases():
    x = rand(9, 7, 3)
    k, b = rand(3, 3, 3, 5, scale=0.3), rand(5)
    save("conv_3x3_s2_same", {"input": x, "kernel": k, "bias": b,
                              "output": hwc(conv2d(nchw(x), k, b, (2, 2), "same"))})
    x = rand(10, 9, 2)
    k, b = rand(4, 4, 2, 3, scale=0.3), rand(3)
    save("conv_4x4_s2_same_even", {"input": x, "kernel": k, "bias": b,
                                   "output": hwc(conv2d(nchw(x), k, b, (2, 2), "same"))})
    x = rand(11, 9, 2)
    k = rand(3, 3, 2, 4, scale=0.3)
    save("conv_3x3_dilation2_valid_nobias", {"input": x, "kernel": k,
                                              "output": hwc(conv2d(nchw(x), k, None, (1, 1), "valid", (2, 2)))})
    k, b = rand(3, 2, 2, 4, scale=0.3), rand(4)
    save("conv_3x2_dilation_2x3_same", {"input": x, "kernel": k, "bias": b,
                                        "output": hwc(conv2d(nchw(x), k, b, (1, 1), "same", (2, 3)))})
    x = rand(5, 7, 6)
    k, b = rand(1, 1, 6, 4, scale=0.3), rand(4)
    save("conv_pointwise", {"input": x, "kernel": k, "bias": b,
                            "output": hwc(conv2d(nchw(x), k, b, (1, 1), "valid"))})
    x = rand(7, 9, 3)
    k, b = rand(3, 3, 3, 2, scale=0.3), rand(6)
    save("depthwise_3x3_mult2_same", {"input": x, "kernel": k, "bias": b,
                                      "output": hwc(depthwise(nchw(x), k, b, (1, 1), "same"))})
    x = rand(11, 8, 4)
    k, b = rand(5, 5, 4, 1, scale=0.3), rand(4)
    save("depthwise_5x5_s2_same", {"input": x, "kernel": k, "bias": b,
                                   "output": hwc(depthwise(nchw(x), k, b, (2, 2), "same"))})
    x = rand(9, 8, 4)
    dw, pw, b = rand(3, 3, 4, 2, scale=0.3), rand(8, 6, scale=0.3), rand(6)
    save("separable_3x3_s2_same_mult2", {"input": x, "depthwise": dw, "pointwise": pw, "bias": b,
                                         "output": hwc(separable(nchw(x), dw, pw, b, (2, 2), "same"))})
    x = rand(7, 9, 3)
    save("maxpool_3x2_valid", {"input": x, "output": hwc(maxpool(nchw(x), (3, 2), (3, 2), "valid"))})
    save("maxpool_3x3_s2_same", {"input": x, "output": hwc(maxpool(nchw(x), (3, 3), (2, 2), "same"))})
    save("avgpool_3x3_s2_same", {"input": x, "output": hwc(avgpool(nchw(x), (3, 3), (2, 2), "same"))})
    save("avgpool_2x2_valid", {"input": x, "output": hwc(avgpool(nchw(x), (2, 2), (2, 2), "valid"))})
    x = rand(5, 6, 4)
    save("global_average", {"input": x, "output": x.mean(axis=(0, 1))})
    save("global_max", {"input": x, "output": x.max(axis=(0, 1))})
    x = rand(3, 4, 5)
    k, b = rand(60, 7, scale=0.2), rand(7)
    save("flatten_dense", {"input": x, "kernel": k, "bias": b, "output": dense(x.reshape(-1), k, b).numpy()})
    x = rand(4, 5, 6)
    p = bn_params(6)
    save("batchnorm", dict(input=x, output=hwc(batchnorm(nchw(x), p)), **p))
    x = rand(3, 4, 5, scale=4.0)
    t = torch.from_numpy(x)
    save("activations", {"input": x, "relu": F.relu(t).numpy(), "relu6": F.relu6(t).numpy(),
                         "leaky_relu": F.leaky_relu(t, 0.3).numpy(), "sigmoid": torch.sigmoid(t).numpy(),
                         "softmax": torch.softmax(t, dim=-1).numpy()})
    x = rand(6, 5, 4)
    k1, b1, k2, b2 = rand(3, 3, 4, 4, scale=0.3), rand(4), rand(3, 3, 4, 4, scale=0.3), rand(4)
    p = bn_params(4)
    y = F.relu(batchnorm(conv2d(nchw(x), k1, b1, (1, 1), "same"), p))
    y = F.relu(nchw(x) + conv2d(y, k2, b2, (1, 1), "same"))
    save("residual", dict(input=x, kernel1=k1, bias1=b1, kernel2=k2, bias2=b2, output=hwc(y),
                          **{"bn_" + key: value for key, value in p.items()}))


def model_weights(spec):
    """Random weights for a list of (name, kind, shape args)."""
    weights = {}
    for name, kind, shape in spec:
        if kind == "bn":
            for key, value in bn_params(shape).items():
                weights[f"{name}_{key}"] = value
        else:
            fan_in = int(np.prod(shape[:-1]))
            weights[name] = rand(*shape, scale=1.0 / math.sqrt(fan_in))
    return weights


def stride_ds_case(filters):
    c1, c2, c3 = filters, filters * 3 // 2, filters * 9 // 4
    w = model_weights([("conv1_kernel", "k", (5, 5, 1, c1)), ("conv1_bias", "k", (1, c1)), ("bn1", "bn", c1),
                       ("conv2_depthwise", "k", (5, 5, c1, 1)), ("conv2_pointwise", "k", (c1, c2)),
                       ("conv2_bias", "k", (1, c2)), ("bn2", "bn", c2),
                       ("conv3_depthwise", "k", (5, 5, c2, 1)), ("conv3_pointwise", "k", (c2, c3)),
                       ("conv3_bias", "k", (1, c3)), ("bn3", "bn", c3),
                       ("dense4_kernel", "k", (6 * 2 * c3, 64)), ("dense4_bias", "k", (1, 64)),
                       ("dense5_kernel", "k", (64, 10)), ("dense5_bias", "k", (1, 10))])
    w = {k: (v.ravel() if "bias" in k else v) for k, v in w.items()}
    w["dense5_kernel"] *= 5.0  # spread the logits so the softmax output is not flat
    bn = lambda i: {key: w[f"bn{i}_{key}"] for key in ("gamma", "beta", "mean", "variance")}
    x = rand(60, 31, 1)
    y = F.relu(batchnorm(conv2d(nchw(x), w["conv1_kernel"], w["conv1_bias"], (2, 2), "same"), bn(1)))
    y = F.relu(batchnorm(separable(y, w["conv2_depthwise"], w["conv2_pointwise"], w["conv2_bias"], (2, 2), "same"), bn(2)))
    y = F.relu(batchnorm(separable(y, w["conv3_depthwise"], w["conv3_pointwise"], w["conv3_bias"], (2, 2), "valid"), bn(3)))
    v = hwc(y).reshape(-1)
    v = F.relu(dense(v, w["dense4_kernel"], w["dense4_bias"]))
    v = torch.softmax(v @ torch.from_numpy(w["dense5_kernel"]) + torch.from_numpy(w["dense5_bias"]), dim=-1)
    save(f"stride_ds_{filters}", dict(input=x, output=v.numpy(), **w))


def baseline_case():
    w = model_weights([("conv1_kernel", "k", (5, 5, 1, 24)), ("conv1_bias", "k", (1, 24)), ("bn1", "bn", 24),
                       ("conv2_kernel", "k", (5, 5, 24, 48)), ("conv2_bias", "k", (1, 48)), ("bn2", "bn", 48),
                       ("conv3_kernel", "k", (5, 5, 48, 48)), ("conv3_bias", "k", (1, 48)), ("bn3", "bn", 48),
                       ("dense4_kernel", "k", (288, 64)), ("dense4_bias", "k", (1, 64)),
                       ("dense5_kernel", "k", (64, 10)), ("dense5_bias", "k", (1, 10))])
    w = {k: (v.ravel() if "bias" in k else v) for k, v in w.items()}
    w["dense5_kernel"] *= 5.0  # spread the logits so the softmax output is not flat
    bn = lambda i: {key: w[f"bn{i}_{key}"] for key in ("gamma", "beta", "mean", "variance")}
    x = rand(60, 31, 1)
    y = nchw(x)
    for i, padding in ((1, "same"), (2, "same"), (3, "valid")):
        y = batchnorm(conv2d(y, w[f"conv{i}_kernel"], w[f"conv{i}_bias"], (1, 1), padding), bn(i))
        if i < 3:
            y = maxpool(y, (3, 2), (3, 2), "valid")
        y = F.relu(y)
    v = hwc(y).reshape(-1)
    v = F.relu(dense(v, w["dense4_kernel"], w["dense4_bias"]))
    v = torch.softmax(v @ torch.from_numpy(w["dense5_kernel"]) + torch.from_numpy(w["dense5_bias"]), dim=-1)
    save("baseline", dict(input=x, output=v.numpy(), **w))


def explicit_padding_cases():
    """PyTorch's own padding (both sides alike, or F.pad for asymmetric sides), where it differs
    from TensorFlow's SAME: stride 2 on even sizes. Own generator: the cases above stay as they are."""
    global rng
    rng = np.random.default_rng(20240718)
    t = lambda a: torch.from_numpy(a)
    oihw = lambda k: t(k).permute(3, 2, 0, 1)
    x = rand(10, 8, 2)
    k, b = rand(5, 5, 2, 3, scale=0.3), rand(3)
    save("conv_5x5_s2_pad2_even", {"input": x, "kernel": k, "bias": b,
                                   "output": hwc(F.conv2d(nchw(x), oihw(k), t(b), 2, 2))})
    x = rand(8, 6, 3)
    k, b = rand(3, 3, 3, 2, scale=0.3), rand(6)
    w = t(k.reshape(3, 3, 6)).permute(2, 0, 1).unsqueeze(1)
    save("depthwise_3x3_s2_pad1_mult2_even", {"input": x, "kernel": k, "bias": b,
                                              "output": hwc(F.conv2d(nchw(x), w, t(b), 2, 1, groups=3))})
    x = rand(10, 8, 4)
    dw, pw, b = rand(5, 5, 4, 1, scale=0.3), rand(4, 6, scale=0.3), rand(6)
    y = F.conv2d(nchw(x), t(dw.reshape(5, 5, 4)).permute(2, 0, 1).unsqueeze(1), None, 2, 2, groups=4)
    y = F.conv2d(y, t(pw).permute(1, 0)[:, :, None, None], t(b))
    save("separable_5x5_s2_pad2_even", {"input": x, "depthwise": dw, "pointwise": pw, "bias": b, "output": hwc(y)})
    x = rand(8, 10, 3)
    save("pool_3x3_s2_pad1_even", {
        "input": x, "max": hwc(F.max_pool2d(nchw(x), 3, 2, 1)),
        "average_include_pad": hwc(F.avg_pool2d(nchw(x), 3, 2, 1, count_include_pad=True)),
        "average_exclude_pad": hwc(F.avg_pool2d(nchw(x), 3, 2, 1, count_include_pad=False))})
    # Asymmetric: top 0, bottom 2, left 1, right 0 (F.pad takes left, right, top, bottom).
    x = rand(9, 8, 2)
    k, b = rand(3, 3, 2, 4, scale=0.3), rand(4)
    save("conv_3x3_s2_pad_0_2_1_0", {"input": x, "kernel": k, "bias": b,
                                     "output": hwc(F.conv2d(F.pad(nchw(x), (1, 0, 0, 2)), oihw(k), t(b), 2))})
    # Top 1, bottom 0, left 0, right 1, padded cells ignored (-inf) by the max.
    x = rand(7, 9, 3)
    save("maxpool_2x2_pad_1_0_0_1", {
        "input": x, "output": hwc(F.max_pool2d(F.pad(nchw(x), (0, 1, 1, 0), value=-math.inf), 2))})
    # Dilation 2 with padding (1, 3) and stride 2: span 5 on 11 x 10.
    x = rand(11, 10, 2)
    k, b = rand(3, 3, 2, 3, scale=0.3), rand(3)
    save("conv_3x3_dilation2_s2_pad_1_3", {"input": x, "kernel": k, "bias": b,
                                           "output": hwc(F.conv2d(nchw(x), oihw(k), t(b), 2, (1, 3), 2))})
    x = rand(4, 5, 3)
    save("zero_padding_1_3_2_0", {"input": x, "output": hwc(F.pad(nchw(x), (2, 0, 1, 3)))})
    # Conv (padding 1, stride 2) -> BN -> ReLU -> MaxPool (2, padding 1): one fused stage.
    x = rand(12, 10, 2)
    k, b, p = rand(3, 3, 2, 4, scale=0.3), rand(4), bn_params(4)
    y = F.max_pool2d(F.relu(batchnorm(F.conv2d(nchw(x), oihw(k), t(b), 2, 1), p, 1e-5)), 2, 2, 1)
    save("conv_bn_relu_maxpool_padded", dict(input=x, kernel=k, bias=b, output=hwc(y),
                                             **{"bn_" + key: value for key, value in p.items()}))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    layer_cases()
    stride_ds_case(24)
    baseline_case()
    explicit_padding_cases()
