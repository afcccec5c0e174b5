#!/usr/bin/python3
"""Trains the example model `fsdd-cnn`: spoken digits (Free Spoken Digit Dataset) from the model
inputs earshot itself computes (the Python binding's `earshot.windows`, which equals
`earshot windows` bit for bit), exported to ONNX for earshot_add_model().

Run with Debian's Python (numpy, torch 1.13, onnx) and the binding built by the default preset:

    /usr/bin/python3 examples/fsdd/train.py --python build/default/python \
        --data ../shared/data/fsdd/recordings --out examples/fsdd

The pipeline it trains for is the one `earshot classify` runs (include/earshot/pipeline/), all of
it recorded in frontend.json and so in the converted header:
  * front-end: 8 kHz, n_fft 256, hop 128, 40 Slaney mels up to 4 kHz, power_to_db with ref 1 and
    amin 1e-10, no top_db, center=True over the whole clip;
  * analysis windows of 32 frames every 16 (window_frames, hop_frames), a clip shorter than one
    window zero-padded at its end, each window z-scored (normalization "mean_std"), fed as
    (1, mels, frames): exactly what earshot.windows returns, nothing re-implemented here;
  * clip decision: mean of the window probabilities (the thesis' voting), then argmax.
Split: the dataset's official one, recordings 0-4 of every digit and speaker are the test set.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20261123
HERE = os.path.dirname(os.path.abspath(__file__))
FRONTEND = os.path.join(HERE, "frontend.json")
sys.path.insert(0, os.path.join(HERE, "..", "train"))
from binding import import_earshot  # noqa: E402


def clip_windows(earshot, config, path):
    """The model inputs of one clip, shape (windows, 1, mels, frames), as the device computes them
    with the front-end configuration `config` (frontend.json, read once)."""
    samples, rate = earshot.load(path)
    if rate != config["sample_rate"]:
        sys.exit(f"{path}: {rate} Hz, but the model expects {config['sample_rate']} Hz")
    return earshot.windows(samples, config)


class TfSamePad(nn.Module):
    """TensorFlow's 'same' padding (more after than before when odd), exported as an ONNX Pad."""

    def __init__(self, kernel, stride):
        super().__init__()
        self.kernel, self.stride = kernel, stride

    def forward(self, x):
        pads = []
        for size in (x.shape[3], x.shape[2]):
            # ceil(size / stride) without dividing a negative number: torch.onnx records `//` on
            # a traced size as ONNX's truncating Div (-(-31 // 2) would export as 15, not 16).
            total = max(((size + self.stride - 1) // self.stride - 1) * self.stride + self.kernel - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads)


def separable(inputs, outputs, kernel, stride):
    return [TfSamePad(kernel, stride),
            nn.Conv2d(inputs, inputs, kernel, stride, groups=inputs, bias=False),
            nn.Conv2d(inputs, outputs, 1), nn.BatchNorm2d(outputs), nn.ReLU()]


def make_model(n_mels, window_frames, classes):
    """A Stride-DS-like network: strided convolutions instead of pooling keep the arena small."""
    height, width = n_mels, window_frames
    for _ in range(3):
        height, width = -(-height // 2), -(-width // 2)
    return nn.Sequential(
        TfSamePad(5, 2), nn.Conv2d(1, 12, 5, 2), nn.BatchNorm2d(12), nn.ReLU(),
        *separable(12, 24, 5, 2),
        *separable(24, 48, 3, 2),
        nn.Flatten(), nn.Dropout(0.3),
        nn.Linear(48 * height * width, 64), nn.ReLU(),
        nn.Linear(64, classes))


def split_of(name):
    digit, _speaker, index = os.path.splitext(name)[0].split("_")
    return int(digit), ("test" if int(index) < 5 else "train")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", required=True, help="the folder of the earshot binding (<build>/python)")
    parser.add_argument("--data", required=True, help="FSDD recordings folder")
    parser.add_argument("--out", default=HERE, help="where model.onnx and the reports go")
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()

    torch.manual_seed(SEED)
    np.random.seed(SEED)
    torch.set_num_threads(2)
    earshot = import_earshot(args.python)
    frontend = earshot.read_frontend(FRONTEND)
    log = open(os.path.join(args.out, "train.log"), "w", encoding="utf-8")

    def say(text):
        print(text, flush=True)
        log.write(text + "\n")

    say(f"seed {SEED}, torch {torch.__version__}, numpy {np.__version__}")
    clips = {"train": [], "test": []}
    started = time.time()
    for name in sorted(os.listdir(args.data)):
        if not name.endswith(".wav"):
            continue
        digit, split = split_of(name)
        clips[split].append((name, digit, clip_windows(earshot, frontend, os.path.join(args.data, name))))
    say(f"model inputs of {sum(len(c) for c in clips.values())} clips by earshot.windows "
        f"in {time.time() - started:.1f} s")

    x_train = torch.tensor(np.concatenate([w for _, _, w in clips["train"]]))
    y_train = torch.tensor(np.concatenate([[d] * len(w) for _, d, w in clips["train"]]))
    say(f"train: {len(clips['train'])} clips, {len(x_train)} windows; "
        f"test: {len(clips['test'])} clips, {sum(len(w) for _, _, w in clips['test'])} windows")

    model = make_model(frontend["n_mels"], frontend["window_frames"], 10)
    batch = 64
    steps = args.epochs * ((len(x_train) + batch - 1) // batch)
    optimizer = torch.optim.Adam(model.parameters(), 1e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 3e-3, total_steps=steps)

    def test_accuracy():
        model.eval()
        correct = 0
        with torch.no_grad():
            for _, digit, windows in clips["test"]:
                votes = F.softmax(model(torch.tensor(windows)), 1).mean(0)
                correct += int(votes.argmax()) == digit
        return correct / len(clips["test"])

    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_train))
        total = 0.0
        for first in range(0, len(x_train), batch):
            index = order[first:first + batch]
            loss = F.cross_entropy(model(x_train[index]), y_train[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss) * len(index)
        say(f"epoch {epoch + 1:2d}  loss {total / len(x_train):.4f}  "
            f"test clip accuracy {100 * test_accuracy():.2f}%")

    model.eval()
    confusion = np.zeros((10, 10), dtype=int)
    window_outputs, window_clips = [], []
    with torch.no_grad():
        for name, digit, windows in clips["test"]:
            probabilities = F.softmax(model(torch.tensor(windows)), 1).numpy()
            confusion[digit, probabilities.mean(0).argmax()] += 1
            window_outputs.append(probabilities)
            window_clips += [name] * len(windows)
    accuracy = np.trace(confusion) / confusion.sum()
    say(f"PyTorch test clip accuracy (mean vote): {100 * accuracy:.2f}% "
        f"({np.trace(confusion)}/{confusion.sum()})")
    say("confusion (rows: true digit, columns: predicted)\n" + "\n".join(
        f"  {d}: " + " ".join(f"{v:3d}" for v in row) for d, row in enumerate(confusion)))

    onnx_path = os.path.join(args.out, "model.onnx")
    # Softmax is part of the deployed model (probabilities are what the voter averages); torch
    # exports it when the module ends with it.
    deployed = nn.Sequential(*model, nn.Softmax(dim=1)).eval()
    torch.onnx.export(deployed, torch.zeros(1, 1, frontend["n_mels"], frontend["window_frames"]), onnx_path,
                      input_names=["features"], output_names=["probabilities"], opset_version=13)
    # Reference for the C++ pipeline: PyTorch's probabilities for every window of the test clips,
    # one row per window, in the order of test_window_clips.txt.
    os.makedirs(os.path.join(args.out, "reference"), exist_ok=True)
    np.save(os.path.join(args.out, "reference", "test_window_probabilities.npy"),
            np.concatenate(window_outputs).astype(np.float32))
    with open(os.path.join(args.out, "reference", "test_window_clips.txt"), "w") as f:
        f.write("\n".join(window_clips) + "\n")
    say(f"exported {onnx_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
