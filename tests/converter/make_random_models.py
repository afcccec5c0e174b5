#!/usr/bin/python3
"""Random PyTorch models for the converter's differential test: each is exported to ONNX,
converted by earshot_convert.py and run by random_models_test.cpp (loops and Eigen), whose
outputs must equal PyTorch's within 1e-5 of the output's maximum.

Run with Debian's python3 (numpy, torch 1.13, onnx 1.12):
    /usr/bin/python3 make_random_models.py            # writes tests/data/converter/random/
    /usr/bin/python3 make_random_models.py --survey N [FIRST] [--convert]
The survey builds seeds FIRST..FIRST+N-1 (default 0), prints their layers and, with --convert,
converts each one and prints the converter's verdict: the way to look for new defects. The
committed SEEDS were picked from such surveys to cover every layer kind, padding rule and head;
the three that end in a Pad (2089, 2126, 2199) once made the converter crash with a traceback.

A model: 1-4 channels, 3-18 rows and columns (odd and even), 1-6 random layers among Conv2d
(any kernel up to 5x5, strides 1-3, dilation 1-2, explicit or 'same' padding, with or without
bias), depthwise Conv2d (multiplier 1-3), BatchNorm2d, ReLU/ReLU6/LeakyReLU/Sigmoid,
MaxPool2d/AvgPool2d (padding, count_include_pad), F.pad and residual blocks (x + conv(x),
'same' 1x1/3x3/5x5, dilation 1-2); then no head, Flatten/view/reshape + Linear (+ Softmax) or
global pooling + Linear. Weights uniform in [-1, 1]; batch-norm statistics far from (0, 1).
"""
import os
import random
import subprocess
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "converter", "random")
CONVERT = os.path.join(HERE, "..", "..", "cmake", "earshot_convert.py")
SEEDS = [2138, 2072, 2242, 2163, 2179, 2213, 2120, 2130, 2045, 2058, 2119, 2126, 2199, 2089]


class Residual(nn.Module):
    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return x + self.body(x)


class Pad(nn.Module):
    def __init__(self, pads):
        super().__init__()
        self.pads = pads

    def forward(self, x):
        return F.pad(x, self.pads)


class Flat(nn.Module):
    def __init__(self, how):
        super().__init__()
        self.how = how

    def forward(self, x):
        if self.how == 0:
            return torch.flatten(x, 1)
        if self.how == 1:
            return x.view(x.size(0), -1)
        return x.reshape(1, -1)


def spatial_layer(rng, c, h, w, allow_res=True):
    """Returns (module, out_channels) or None."""
    kind = rng.choice(["conv", "conv", "conv", "dw", "dw", "bn", "act", "act", "maxpool", "avgpool", "pad", "res"])
    if kind == "conv" or kind == "dw":
        kh, kw = rng.randint(1, 5), rng.randint(1, 5)
        sh, sw = rng.choice([1, 1, 2, 3]), rng.choice([1, 1, 2])
        dh, dw = rng.choice([1, 1, 2]), rng.choice([1, 1, 2])
        if rng.random() < 0.2 and sh == 1 and sw == 1 and kh % 2 and kw % 2:
            pad = (dh * (kh - 1) // 2, dw * (kw - 1) // 2)  # 'same' (torch 1.13 cannot export the string)
        else:
            pad = (rng.randint(0, kh), rng.randint(0, kw))
        if kind == "conv":
            oc = rng.randint(1, 9)
            groups = 1
        else:
            groups = c
            oc = c * rng.choice([1, 1, 2, 3])
        return nn.Conv2d(c, oc, (kh, kw), (sh, sw), pad, (dh, dw), groups=groups, bias=rng.random() < 0.7), oc
    if kind == "bn":
        return nn.BatchNorm2d(c), c
    if kind == "act":
        a = rng.choice(["relu", "relu6", "leaky", "leaky_default", "sigmoid"])
        return {"relu": nn.ReLU(), "relu6": nn.ReLU6(), "leaky": nn.LeakyReLU(round(rng.uniform(0.01, 0.5), 2)),
                "leaky_default": nn.LeakyReLU(), "sigmoid": nn.Sigmoid()}[a], c
    if kind in ("maxpool", "avgpool"):
        kh, kw = rng.randint(1, 4), rng.randint(1, 4)
        s = (rng.randint(1, 3), rng.randint(1, 3)) if rng.random() < 0.6 else None
        pad = (rng.randint(0, kh // 2), rng.randint(0, kw // 2))
        if kind == "maxpool":
            return nn.MaxPool2d((kh, kw), s, pad), c
        return nn.AvgPool2d((kh, kw), s, pad, count_include_pad=rng.random() < 0.5), c
    if kind == "pad":
        return Pad(tuple(rng.randint(0, 2) for _ in range(4))), c
    if kind == "res" and allow_res:
        k = rng.choice([1, 3, 5])
        d = rng.choice([1, 2])
        layers = [nn.Conv2d(c, c, k, 1, d * (k - 1) // 2, d)]
        if rng.random() < 0.5:
            layers.append(nn.BatchNorm2d(c))
        if rng.random() < 0.5:
            layers.append(nn.ReLU())
        return Residual(nn.Sequential(*layers)), c
    return None


def randomise(model, g):
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=g) * 2 - 1)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.5)
                m.running_var.copy_(torch.rand(n, generator=g) * 1.5 + 0.25)


def build(seed):
    """The model for `seed`, its input, PyTorch's output and the opset to export at (or None)."""
    rng = random.Random(seed)
    g = torch.Generator().manual_seed(seed)
    c, h, w = rng.randint(1, 4), rng.randint(3, 18), rng.randint(3, 18)
    x = torch.randn(1, c, h, w, generator=g)
    layers = []
    cur = x
    cc = c
    for _ in range(rng.randint(1, 6)):
        made = spatial_layer(rng, cc, cur.shape[2], cur.shape[3])
        if made is None:
            continue
        m, oc = made
        try:
            with torch.no_grad():
                y = m.eval()(cur)
        except Exception:
            continue
        if y.numel() == 0 or min(y.shape[2:]) < 1:
            continue
        layers.append(m)
        cur, cc = y, oc
    if not layers:
        return None, None, None, None
    head = rng.choice(["none", "flat_dense", "gap_dense", "flat_dense_softmax", "gmp_dense"])
    if head.startswith("flat"):
        layers += [Flat(rng.randint(0, 2)), nn.Linear(cur.numel(), rng.randint(1, 7))]
        if head.endswith("softmax"):
            layers.append(nn.Softmax(dim=1))
    elif head == "gap_dense":
        layers += [nn.AdaptiveAvgPool2d(1), Flat(0), nn.Linear(cc, rng.randint(1, 7))]
    elif head == "gmp_dense":
        layers += [nn.AdaptiveMaxPool2d(1), Flat(0), nn.Linear(cc, rng.randint(1, 7))]
    model = nn.Sequential(*layers).eval()
    randomise(model, g)
    with torch.no_grad():
        y = model(x)
    opset = rng.choice([11, 13, 17])
    return model, x, y, opset




def export(seed, directory):
    model, x, y, opset = build(seed)
    path = os.path.join(directory, f"m{seed}.onnx")
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["x"], output_names=["y"])
    np.save(os.path.join(directory, f"m{seed}.input.npy"), x.numpy())
    np.save(os.path.join(directory, f"m{seed}.output.npy"), y.numpy())
    return model, opset, path


def survey(count, first, convert):
    import tempfile
    directory = tempfile.mkdtemp(prefix="earshot-random-")
    for seed in range(first, first + count):
        try:
            model, opset, path = export(seed, directory) if convert else (build(seed)[0], None, None)
        except Exception as error:  # an export torch does not support
            print(f"m{seed}: not exported: {str(error)[:200]}")
            continue
        if model is None:
            continue
        verdict = ""
        if convert:
            done = subprocess.run([sys.executable, CONVERT, path, "-o", path + ".hpp", "--name", f"m{seed}"],
                                  capture_output=True, text=True)
            verdict = "converted" if done.returncode == 0 else f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
        layers = ", ".join(str(m).replace("\n", " ") for m in model)
        print(f"m{seed}: {layers}" + (f"\n    -> {verdict}" if convert else ""))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--survey":
        numbers = [int(a) for a in sys.argv[2:] if not a.startswith("--")]
        survey(numbers[0], numbers[1] if len(numbers) > 1 else 0, "--convert" in sys.argv)
        return
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    for seed in SEEDS:
        model, opset, _ = export(seed, OUT)
        print(f"m{seed} (opset {opset}): " + ", ".join(str(m).replace("\n", " ") for m in model))
    with open(os.path.join(OUT, "models.txt"), "w") as f:
        f.write("".join(f"m{seed}\n" for seed in SEEDS))


if __name__ == "__main__":
    main()
