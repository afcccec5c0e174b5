#!/usr/bin/python3
"""Trains a sound classifier for earshot on any labelled collection of recordings, from the model
inputs earshot itself computes, and reports clip accuracy the way the device decides (a vote over
analysis windows).

    /usr/bin/python3 examples/train/train.py --python build/default/python \\
        --manifest manifest.csv --frontend frontend.json --arch stride-ds-24 --out runs/esc10

Input:
  * a manifest CSV with a header line `file,label[,fold]` (paths relative to the manifest);
    make_esc10_manifest.py writes ESC-10's;
  * a front-end file (the one earshot_add_model reads: features, normalisation, window_frames,
    hop_frames or overlap, vote, gate_dbfs): the recordings are loaded at its sample_rate
    (resampled with libsoxr if they are at another, as librosa.load does) and cut into windows by
    earshot.windows, exactly as `earshot classify` cuts them, those below the gate left out of
    training and of the vote as the device leaves them out (earshot.windows gives the device's
    levels): nothing is re-implemented here;
  * an architecture of zoo.py.
Protocol: k-fold cross-validation over the manifest's folds (default), or --holdout F to train on
every other fold and test on F only. A clip's decision is the vote (mean of the window
probabilities, or the front-end file's vote) over its windows at the file's hop; the accuracy of
those decisions is what is reported and what architectures and augmentations are compared by.
Augmentation (--augment, comma separated): shift (training windows every --train-hop frames
instead of the file's hop: every time shift the device can see), mixup (between-class mixing of
two windows and their labels, Beta(0.4, 0.4)), bcmix (between-class mixing of the sounds
before the front-end, as between-class learning does: each training clip mixed with two of other
classes at a level-weighted ratio, between_class_mixes), freqmask and timemask (SpecAugment: up to 8 bands
/ 6 frames set to the window mean, 0 after z-scoring), freqshift (the mel bands moved by up to 3
up or down, the vacated ones repeating the edge band: a small pitch shift), speed (each training
clip also resampled by libsoxr to 0.9 and 1.1 times the front-end's rate and taken at that rate:
played 10% faster or slower, its pitch moved alike, as speed perturbation in speech recognition;
an epoch stays as long, a draw from three times the windows), gain (+-6 dB on the samples before
the front-end; a no-op under per-window z-scoring, kept to show it).
--label-smoothing and --weight-decay tune the loss and AdamW. --ema D keeps an exponential moving
average of the weights and batch-norm statistics (decay D per step, 0: off), and evaluates and
exports that average instead of the last step's model. --teachers N distils: in each fold, N models
of the same recipe (seeds seed + 1 to seed + N) are trained first, and the model itself (the
student, the same network) learns targets of (1 - --distill) x its label plus --distill x the
teachers' averaged probabilities for each training window (mixed by mixup as the labels are); the
teachers' own averaged clip accuracy is reported beside it.
Outputs in --out: train.log (the command, the seed, every epoch, wall time per fold), results.json,
confusion.png (summed over the test folds) and curves.png (loss and test clip accuracy per
epoch, for looking at only: the epoch count is fixed in advance, never chosen on the test fold).
With --holdout F: model.onnx (softmax included), labels.txt, frontend.json and calibration.npy
(100 training windows) for earshot_add_model(... QUANTIZE int8 CALIBRATION calibration.npy), and
reference/ with PyTorch's probabilities for every window of the held-out clips (zeros for a
gated one, as `earshot classify --windows` lists it).
Deterministic for a seed on a given machine (torch.use_deterministic_algorithms, 2 threads)."""
import argparse
import copy
import hashlib
import json
import os
import pickle
import shutil
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoo  # noqa: E402
from binding import import_earshot  # noqa: E402
from manifest import read_manifest  # noqa: E402
from vote import vote  # noqa: E402


def device_windows(earshot, y, frontend, **kwargs):
    """Every window of `y` and which of them the device does not classify: with the front-end
    file's gate_dbfs, those whose level (earshot.windows' levels, the device's) is below it."""
    gate = frontend.get("gate_dbfs")
    if gate is None:
        windows = earshot.windows(y, frontend, **kwargs)
        return windows, np.zeros(len(windows), dtype=bool)
    windows, levels = earshot.windows(y, frontend, levels=True, **kwargs)
    return windows, levels < gate  # a NaN level is not gated, as on the device


class Features:
    """Every clip's windows, computed once: at the file's hop (evaluation) and at the training hop;
    with a gate, only the windows above it (a clip may have none: the device calls it silence)."""

    OVERLAPS = (0.1, 0.5, 0.9)  # also evaluated: the vote's overlap is a device setting, not a trained one

    SPEEDS = (0.9, 1.1)  # the speed augmentation's factors

    def __init__(self, earshot, clips, frontend, train_hop, gain, speed):
        self.eval, self.train, self.gained, self.sped = [], [], [], []
        # (every window at the file's hop, which of them are gated): what `classify --windows` lists
        self.listed = []
        self.overlaps = {overlap: [] for overlap in self.OVERLAPS}
        self.gated = [0, 0]  # windows left out by the gate: at the file's hop, at the training hop
        rate = frontend["sample_rate"]

        def add(y, kept, slot=None, **kwargs):
            every, gated = device_windows(earshot, y, frontend, **kwargs)
            kept.append(every[~gated] if gated.any() else every)  # no copy when nothing is gated
            if slot is not None:
                self.gated[slot] += int(gated.sum())
            return every, gated

        for clip in clips:
            y, _ = earshot.load(clip["file"], sr=rate)
            self.listed.append(add(y, self.eval, 0))
            for overlap, kept in self.overlaps.items():
                add(y, kept, overlap=overlap)
            add(y, self.train, 1, hop_frames=train_hop)
            if gain:  # +-6 dB: a constant in dB, which per-window z-scoring takes out again
                add(y * np.float32(10 ** (-6 / 20)), self.gained, hop_frames=train_hop)
            if speed:  # resampled to rate x factor and read at rate: factor times as long
                sped = []
                for factor in self.SPEEDS:
                    add(earshot.resample(y, rate, round(rate * factor)), sped, hop_frames=train_hop)
                self.sped.append(np.concatenate(sped))


def cached_features(args, earshot, clips, frontend, train_hop, gain, speed):
    """Features, kept beside the manifest between runs (.windows-<hash>.pickle): the hash covers the
    manifest, the front-end, the training hop, gain, speed, the binding's build and this script (whose
    Features class is pickled), so a change of any recomputes them."""
    key = hashlib.sha256()
    for path in (args.manifest, args.frontend, earshot._earshot.__file__, __file__):
        with open(path, "rb") as f:
            key.update(f.read())
    key.update(f"{train_hop} {gain} {speed}".encode())
    cache = os.path.join(os.path.dirname(os.path.abspath(args.manifest)), f".windows-{key.hexdigest()[:16]}.pickle")
    if os.path.exists(cache):
        with open(cache, "rb") as f:
            return pickle.load(f)
    features = Features(earshot, clips, frontend, train_hop, gain, speed)
    with open(cache, "wb") as f:
        pickle.dump(features, f)
    return features


def mask(batch, generator, axis, most):
    """SpecAugment: in each window one band (axis 2) or span of frames (axis 3) of up to `most`
    set to 0, the mean of a z-scored window."""
    size = batch.shape[axis]
    width = generator.integers(0, most + 1, len(batch))
    start = generator.integers(0, size - width + 1)
    cells = np.arange(size)
    masked = torch.from_numpy((cells >= start[:, None]) & (cells < (start + width)[:, None]))
    shape = (len(batch), 1, size, 1) if axis == 2 else (len(batch), 1, 1, size)
    return batch.masked_fill(masked.reshape(shape), 0.0)


def shift_bands(batch, generator, most):
    """Each window's mel bands moved by a whole number of bands in [-most, most]: above 1 kHz a
    Slaney band is about 5% of frequency, so 3 bands are a pitch shift of up to 2.6 semitones. The
    bands moved in from outside the window repeat its edge band."""
    bands = batch.shape[2]
    offset = generator.integers(-most, most + 1, len(batch))
    source = np.clip(np.arange(bands) + offset[:, None], 0, bands - 1)
    index = torch.from_numpy(source)[:, None, :, None].expand_as(batch)
    return torch.gather(batch, 2, index)


def average(ema, model, step, decay):
    """One step of the moving average, parameters and batch-norm buffers alike (the running
    statistics of the averaged weights are not the live model's). The decay is held at
    (1 + step) / (10 + step) while that is lower, so the random initialisation does not linger in
    the average (after n steps at a decay d, d^n of it is left: 0.999^3000 is 5%)."""
    decay = min(decay, (1 + step) / (10 + step))
    with torch.no_grad():
        for kept, live in zip(ema.state_dict().values(), model.state_dict().values()):
            if kept.is_floating_point():
                kept.mul_(decay).add_(live, alpha=1 - decay)
            else:  # num_batches_tracked
                kept.copy_(live)


SILENCE = -1  # the decision for a clip whose every window the gate left out


def evaluate(model, windows, labels, indices, rule):
    """(clip accuracy, decisions) over `indices`, each clip decided by the vote over its windows
    (SILENCE, a wrong answer, without any)."""
    model.eval()
    decisions = []
    with torch.no_grad():
        for index in indices:
            if len(windows[index]) == 0:
                decisions.append(SILENCE)
                continue
            probabilities = F.softmax(model(torch.from_numpy(windows[index])), 1).numpy()
            decisions.append(int(vote(probabilities, rule).argmax()))
    correct = sum(d == labels[i] for d, i in zip(decisions, indices))
    return correct / len(indices), decisions


def training_windows(features, labels, train, augment, classes, mixes=None):
    """The training clips' windows (at the training hop; twice with gain, and with speed those of
    the resampled clips too, and with bcmix the between-class mixes) and their targets (one-hot, or a
    mix's two shares), and how many times the clips' windows at the front-end file's hop an epoch
    draws: twice with gain, once otherwise (speed and bcmix add windows to draw from, not steps)."""
    sources = [features.train] + ([features.gained] if "gain" in augment else [])
    sources += [features.sped] if "speed" in augment else []
    x = np.concatenate([source[i] for source in sources for i in train])
    y = np.concatenate([[labels[i]] * len(source[i]) for source in sources for i in train])
    targets = np.eye(classes, dtype=np.float32)[y]
    if mixes is not None:
        x = np.concatenate([x, mixes[0]])
        targets = np.concatenate([targets, mixes[1]])
    return torch.from_numpy(x), torch.from_numpy(targets), 2 if "gain" in augment else 1


BC_MIXES_PER_CLIP = 2  # bcmix: partners of other classes each training clip is mixed with


def sounds_for_mixing(earshot, clips, frontend):
    """Every clip's samples at the front-end's rate, and its level for between_class_mixes: its
    loudest 0.1 s in dB. Loaded once for all folds."""
    rate = frontend["sample_rate"]
    block = max(1, int(rate) // 10)

    def loudest_db(y):
        whole = len(y) // block * block
        power = (y[:whole].reshape(-1, block).astype(np.float64) ** 2).mean(1) if whole else [np.mean(y ** 2)]
        return 10 * np.log10(max(float(np.max(power)), 1e-12))

    samples = [earshot.load(clip["file"], sr=rate)[0] for clip in clips]
    return samples, [loudest_db(y) for y in samples]


def between_class_mixes(earshot, sounds, labels, train, frontend, train_hop, classes, seed):
    """Between-class learning (Tokozume, Ushiku and Harada, ICLR 2018) on the samples, before the
    front-end: each training clip mixed with BC_MIXES_PER_CLIP training clips of other classes at a
    ratio r drawn from U(0, 1), weighted by their levels G (sounds_for_mixing) so that r is the share
    of the first as heard, p = 1 / (1 + 10^((G1 - G2) / 20) (1 - r) / r), the mix
    (p a + (1 - p) b) / sqrt(p^2 + (1 - p)^2), and its target r on the first class and 1 - r on the
    other. Where feature mixup mixes two z-scored dB windows, this mixes the sounds, as a
    microphone would hear them together; the mixes' windows come from earshot.windows like every
    other's. Returns the windows and their targets."""
    generator = np.random.default_rng(seed)
    samples, level = sounds
    windows, targets = [], []
    for i in train:
        others = [j for j in train if labels[j] != labels[i]]
        for j in generator.choice(others, BC_MIXES_PER_CLIP, replace=False):
            r = 1.0 - generator.uniform()  # (0, 1]
            p = 1.0 / (1.0 + 10 ** ((level[i] - level[j]) / 20) * (1 - r) / r)
            a, b = samples[i], samples[j]
            length = max(len(a), len(b))
            a, b = np.pad(a, (0, length - len(a))), np.pad(b, (0, length - len(b)))
            mix = ((p * a + (1 - p) * b) / np.sqrt(p * p + (1 - p) * (1 - p))).astype(np.float32)
            every, gated = device_windows(earshot, mix, frontend, hop_frames=train_hop)
            mixed = every[~gated]
            target = np.zeros(classes, dtype=np.float32)
            target[labels[i]] += r
            target[labels[j]] += 1 - r
            windows.append(mixed)
            targets.append(np.repeat(target[None], len(mixed), 0))
    return np.concatenate(windows), np.concatenate(targets)


class Ensemble(nn.Module):
    """Models whose softmax outputs are averaged; returns the log of the average, so that a
    softmax of its output (as evaluate() takes) is the average itself."""

    def __init__(self, models):
        super().__init__()
        self.members = nn.ModuleList(models)

    def forward(self, x):
        return torch.log(torch.stack([F.softmax(m(x), 1) for m in self.members]).mean(0))


def train_one(args, features, labels, train, test, classes, shape, augment, rule, say, seed, teacher=None,
              mixes=None):
    """One model; with `teacher` (probabilities for every training window) each window's target is
    (1 - args.distill) x its label (smoothed) + args.distill x the teacher's probabilities; `mixes`:
    between_class_mixes' windows and targets, drawn from with the clips' own."""
    torch.manual_seed(seed)
    generator = np.random.default_rng(seed)
    x, targets, epoch_share = training_windows(features, labels, train, augment, classes, mixes)
    # An epoch is as many windows as the training clips have at the front-end file's hop: with
    # shift, a different draw of the denser training windows each epoch, at the same cost.
    per_epoch = min(len(x), sum(len(features.eval[i]) for i in train) * epoch_share)
    model = zoo.make(args.arch, classes, *shape)
    steps = args.epochs * ((per_epoch + args.batch - 1) // args.batch)
    optimizer = torch.optim.AdamW(model.parameters(), 1e-3, weight_decay=args.weight_decay)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.learning_rate, total_steps=steps)
    ema = copy.deepcopy(model) if args.ema else None
    step = 0
    curve = []
    for epoch in range(args.epochs):
        model.train()
        order = torch.from_numpy(generator.permutation(len(x))[:per_epoch])
        total = 0.0
        for first in range(0, per_epoch, args.batch):
            index = order[first:first + args.batch]
            batch = x[index].clone()
            target = targets[index]
            if args.label_smoothing:  # (1 - e) on the class, e spread evenly over all classes
                target = target * (1 - args.label_smoothing) + args.label_smoothing / classes
            if teacher is not None:
                target = (1 - args.distill) * target + args.distill * teacher[index]
            if "freqshift" in augment:
                batch = shift_bands(batch, generator, 3)
            if "freqmask" in augment:
                batch = mask(batch, generator, 2, 8)
            if "timemask" in augment:
                batch = mask(batch, generator, 3, 6)
            if "mixup" in augment:
                weight = torch.from_numpy(generator.beta(0.4, 0.4, len(index)).astype(np.float32))
                partner = torch.from_numpy(generator.permutation(len(index)))
                batch = weight[:, None, None, None] * batch + (1 - weight[:, None, None, None]) * batch[partner]
                target = weight[:, None] * target + (1 - weight[:, None]) * target[partner]
            loss = torch.sum(-target * F.log_softmax(model(batch), 1), 1).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            if args.ema:
                average(ema, model, step, args.ema)
                step += 1
            total += float(loss) * len(index)
        final = ema if args.ema else model
        accuracy = evaluate(final, features.eval, labels, test, rule)[0] if test else float("nan")
        curve.append((total / per_epoch, accuracy))
        if (epoch + 1) % 10 == 0 or epoch + 1 == args.epochs:
            say(f"  epoch {epoch + 1:3d}  loss {total / per_epoch:.4f}  test clip accuracy {100 * accuracy:.2f}%")
    return final, curve


def plot(out, names, confusion, curves):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(7, 6))
    axes.imshow(confusion, cmap="Blues")
    for (row, column), value in np.ndenumerate(confusion):
        axes.text(column, row, str(value), ha="center", va="center",
                  color="white" if value > confusion.max() / 2 else "black", fontsize=8)
    axes.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(len(names)), names, fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("true")
    axes.set_title(f"clip decisions over the test folds ({np.trace(confusion)}/{confusion.sum()})")
    figure.tight_layout()
    figure.savefig(os.path.join(out, "confusion.png"), dpi=110)
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for fold, curve in curves.items():
        left.plot([c[0] for c in curve], label=f"fold {fold}")
        right.plot([100 * c[1] for c in curve], label=f"fold {fold}")
    left.set_xlabel("epoch")
    left.set_ylabel("training loss")
    right.set_xlabel("epoch")
    right.set_ylabel("test clip accuracy (%)")
    right.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(os.path.join(out, "curves.png"), dpi=110)
    plt.close("all")


def check_export(path, deployed, windows, say):
    """The exported file as earshot's converter reads it (its layer list run in numpy) against the
    PyTorch model: an export that computes something else (a traced size turned into a constant,
    a shape arithmetic exported differently) stops here, not on the device."""
    import onnx
    from earshot._converter import passes, reference
    from earshot._converter.onnx_import import Converter
    graph = Converter(onnx.load(path)).run()
    passes.optimise(graph)
    converted = reference.run(graph, np.transpose(windows, (0, 2, 3, 1)))[len(graph.layers) - 1]
    with torch.no_grad():
        expected = deployed(torch.from_numpy(windows)).numpy()
    worst = float(np.max(np.abs(converted.reshape(expected.shape) - expected)))
    if not worst <= 1e-5:
        sys.exit(f"{path}: the converter's reading of the export differs from PyTorch by {worst:.3g}")
    say(f"export checked: the converter's layer list gives PyTorch's probabilities within {worst:.2g}")


def export(args, model, names, frontend, features, clips, train, test, shape, say):
    deployed = nn.Sequential(*model, nn.Softmax(dim=1)).eval()
    # PyTorch's probabilities for every window of the held-out clips, for checking the C++
    # pipeline (`earshot classify --windows --json`) against: one row per window, zeros for a gated
    # one, which the device lists but does not classify.
    os.makedirs(os.path.join(args.out, "reference"), exist_ok=True)
    rows = []
    with torch.no_grad():
        for i in test:
            every, gated = features.listed[i]
            rows.append(deployed(torch.from_numpy(every)).numpy() * ~gated[:, None])
    np.save(os.path.join(args.out, "reference", "test_window_probabilities.npy"), np.concatenate(rows))
    with open(os.path.join(args.out, "reference", "test_window_clips.txt"), "w", encoding="utf-8") as f:
        f.write("".join(f"{os.path.basename(clips[i]['file'])}\n" * len(r) for i, r in zip(test, rows)))
    path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(deployed, torch.zeros(1, 1, *shape), path, input_names=["features"],
                      output_names=["probabilities"], opset_version=13)
    check_export(path, deployed, next(features.eval[i] for i in test if len(features.eval[i])), say)
    with open(os.path.join(args.out, "labels.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    shutil.copyfile(args.frontend, os.path.join(args.out, "frontend.json"))
    # 100 windows of training clips for the int8 activation ranges: every clip's middle window, in order.
    calibration = [features.eval[i][len(features.eval[i]) // 2] for i in train if len(features.eval[i])][:100]
    np.save(os.path.join(args.out, "calibration.npy"), np.stack(calibration).astype(np.float32))
    say(f"exported {path}, labels.txt, frontend.json and calibration.npy ({len(calibration)} windows)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", required=True, help="the folder of the earshot binding (<build>/python)")
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--frontend", required=True)
    parser.add_argument("--arch", default="stride-ds-24", help="an architecture of zoo.py")
    parser.add_argument("--out", required=True)
    parser.add_argument("--holdout", help="train on the other folds, test on this one (and export the model)")
    parser.add_argument("--folds", help="the test folds of the cross-validation, comma separated (default: all)")
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=3e-3)
    parser.add_argument("--augment", default="shift,mixup,freqmask",
                        help="shift, mixup, bcmix, freqmask, timemask, freqshift, speed, gain")
    parser.add_argument("--train-hop", type=int, default=4, help="training windows every this many frames (shift)")
    parser.add_argument("--label-smoothing", type=float, default=0.0,
                        help="share of each target spread evenly over the classes (0: none)")
    parser.add_argument("--weight-decay", type=float, default=1e-3, help="AdamW's decoupled weight decay")
    parser.add_argument("--ema", type=float, default=0.0,
                        help="decay per step of the moving average of the weights evaluated and exported (0: none)")
    parser.add_argument("--teachers", type=int, default=0,
                        help="distil from this many models of the same recipe (seeds seed + 1, ...; 0: none)")
    parser.add_argument("--distill", type=float, default=0.5,
                        help="with --teachers: the teachers' share of each training target")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    if args.teachers < 0 or not 0 <= args.distill <= 1:
        parser.error(f"--teachers must be 0 or more and --distill in [0, 1], got {args.teachers} and {args.distill}")

    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    log = open(os.path.join(args.out, "train.log"), "w", encoding="utf-8")

    def say(text):
        print(text, flush=True)
        log.write(text + "\n")

    earshot = import_earshot(args.python)
    frontend = earshot.read_frontend(args.frontend)
    if "window_frames" not in frontend:
        sys.exit(f"{args.frontend}: give 'window_frames' (the model's input frames)")
    augment = {a for a in args.augment.split(",") if a}
    unknown = augment - {"shift", "mixup", "bcmix", "freqmask", "timemask", "freqshift", "speed", "gain"}
    if unknown:
        sys.exit(f"--augment: unknown {', '.join(sorted(unknown))} "
                 "(shift, mixup, bcmix, freqmask, timemask, freqshift, speed, gain)")
    clips = read_manifest(args.manifest)
    names = sorted({c["label"] for c in clips})
    labels = [names.index(c["label"]) for c in clips]
    folds = sorted({c["fold"] for c in clips})
    say(f"command: {' '.join(sys.argv)}")
    say(f"seed {args.seed}, torch {torch.__version__}, numpy {np.__version__}; {len(clips)} clips, "
        f"{len(names)} classes, folds {', '.join(folds)}; augmentation {', '.join(sorted(augment)) or 'none'}")
    started = time.time()
    train_hop = args.train_hop if "shift" in augment else None  # None: the front-end file's hop
    features = cached_features(args, earshot, clips, frontend, train_hop, "gain" in augment, "speed" in augment)
    shape = features.eval[0].shape[2:]
    say(f"windows {shape[0]} x {shape[1]} by earshot.windows in {time.time() - started:.1f} s: "
        f"{sum(len(w) for w in features.eval)} at the front-end file's hop, "
        f"{sum(len(w) for w in features.train)} for training (hop {train_hop or 'of the front-end file'})" +
        (f"; the gate ({frontend['gate_dbfs']} dBFS) left out {features.gated[0]} and {features.gated[1]}"
         if frontend.get("gate_dbfs") is not None else ""))
    probe = zoo.make(args.arch, len(names), *shape)
    parameters = sum(p.numel() for p in probe.parameters())
    say(f"{args.arch}: {zoo.macc(probe, *shape):,} MACC per window, {parameters:,} parameters (batch norms "
        f"included; earshot folds them)")

    rule = frontend.get("vote", "mean")
    sounds = sounds_for_mixing(earshot, clips, frontend) if "bcmix" in augment else None
    test_folds = [args.holdout] if args.holdout else (args.folds.split(",") if args.folds else folds)
    confusion = np.zeros((len(names), len(names)), dtype=int)
    results, curves, by_overlap, teacher_results = {}, {}, {}, {}
    for fold in test_folds:
        if fold not in folds:
            sys.exit(f"fold '{fold}' is not in the manifest (folds: {', '.join(folds)})")
        test = [i for i, c in enumerate(clips) if c["fold"] == fold]
        train = [i for i, c in enumerate(clips) if c["fold"] != fold]
        if not train:
            sys.exit("one fold only: nothing to train on (give the manifest a fold column)")
        say(f"fold {fold}: {len(train)} training clips, {len(test)} test clips")
        fold_start = time.time()
        mixes = None
        if "bcmix" in augment:
            started = time.time()
            mixes = between_class_mixes(earshot, sounds, labels, train, frontend, train_hop, len(names), args.seed)
            say(f"fold {fold}: {len(mixes[0])} windows of {BC_MIXES_PER_CLIP * len(train)} between-class mixes in "
                f"{time.time() - started:.0f} s")
        teacher = None
        if args.teachers:
            # The teachers: the same network and recipe from other seeds; the student learns the
            # average of their probabilities on every training window as well as the labels.
            members = []
            for k in range(args.teachers):
                member, _ = train_one(args, features, labels, train, test, len(names), shape, augment, rule,
                                      lambda text: say(f"  teacher {k + 1}:{text}"), args.seed + 1 + k,
                                      mixes=mixes)
                members.append(member)
            teachers = Ensemble(members).eval()
            teacher_results[fold] = evaluate(teachers, features.eval, labels, test, rule)[0]
            with torch.no_grad():
                windows = training_windows(features, labels, train, augment, len(names), mixes)[0]
                teacher = torch.cat([F.softmax(teachers(part), 1) for part in torch.split(windows, 1024)])
            say(f"fold {fold}: the {args.teachers} teachers' averaged probabilities: clip accuracy "
                f"{100 * teacher_results[fold]:.2f}%")
        model, curve = train_one(args, features, labels, train, test, len(names), shape, augment, rule, say, args.seed,
                                 teacher, mixes)
        accuracy, decisions = evaluate(model, features.eval, labels, test, rule)
        for index, decision in zip(test, decisions):
            if decision != SILENCE:
                confusion[labels[index], decision] += 1
        results[fold] = accuracy
        curves[fold] = curve
        for overlap, windows in features.overlaps.items():
            by_overlap.setdefault(overlap, {})[fold] = evaluate(model, windows, labels, test, rule)[0]
        say(f"fold {fold}: clip accuracy {100 * accuracy:.2f}% ({round(accuracy * len(test))}/{len(test)}), "
            f"{time.time() - fold_start:.0f} s; with windows overlapping by " +
            ", ".join(f"{overlap}: {100 * by_overlap[overlap][fold]:.2f}%" for overlap in features.OVERLAPS))
        if args.holdout:
            export(args, model, names, frontend, features, clips, train, test, shape, say)
    values = np.array(list(results.values()))
    say(f"{args.arch}: clip accuracy {100 * values.mean():.2f}% mean, {100 * values.std():.2f}% standard deviation "
        f"over {len(values)} test fold(s) ({', '.join(f'{100 * v:.1f}' for v in values)}); vote {rule}")
    for overlap, accuracies in by_overlap.items():
        say(f"  windows overlapping by {overlap}: {100 * np.mean(list(accuracies.values())):.2f}% mean")
    if teacher_results:
        say(f"  the teachers' averaged probabilities: {100 * np.mean(list(teacher_results.values())):.2f}% mean "
            f"({', '.join(f'{100 * v:.1f}' for v in teacher_results.values())})")
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"arch": args.arch, "augment": sorted(augment), "epochs": args.epochs, "seed": args.seed,
                   "frontend": args.frontend, "window": list(shape), "gate_dbfs": frontend.get("gate_dbfs"),
                   "label_smoothing": args.label_smoothing, "weight_decay": args.weight_decay, "ema": args.ema,
                   "batch": args.batch, "learning_rate": args.learning_rate, "train_hop": train_hop,
                   "teachers": args.teachers, "distill": args.distill if args.teachers else 0.0,
                   "teacher_folds": teacher_results,
                   "macc": zoo.macc(probe, *shape), "parameters": parameters, "folds": results,
                   "mean": values.mean(), "std": values.std(), "labels": names,
                   "overlaps": {str(o): float(np.mean(list(a.values()))) for o, a in by_overlap.items()},
                   "confusion": confusion.tolist()}, f, indent=1)
    plot(args.out, names, confusion, curves)
    return 0


if __name__ == "__main__":
    sys.exit(main())
