#!/usr/bin/env bash
# The ESC-10 experiments of README.md, one after the other (each a 5-fold cross-validation of
# examples/train/train.py; minutes each on 2 cores: the logs say how many), then the shipped
# model: trained on folds 1-4, fold 5 held out.
#   examples/esc10/run_experiments.sh DATA_DIR [BUILD_DIR] [RUNS_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:?give the ESC-10 folder (the one holding "001 - Dog bark", ...)}
build=${2:-build/default}
runs=${3:-runs/esc10}
mkdir -p "$runs"
/usr/bin/python3 examples/esc10/make_esc10_manifest.py "$data" "$runs/esc10.csv"
train() {  # train NAME ARGUMENTS...
  local name=$1
  shift
  [ -f "$runs/$name/results.json" ] && return 0
  /usr/bin/python3 examples/train/train.py --python "$build/python" --manifest "$runs/esc10.csv" \
    --frontend examples/esc10/frontend.json --epochs 40 --out "$runs/$name" "$@"
}
# Architectures at about the same cost (0.5-0.6 M MACC a window), same augmentation.
train stride-ds-24 --arch stride-ds-24
train tc-32 --arch tc-32
train stride-ds-24-gap --arch stride-ds-24-gap
train pool-ds-8 --arch pool-ds-8
# DS-CNN (3x3 depthwise-separable blocks, global average pooling; 841,200 MACC), measured 2026-12-06.
train ds-cnn-24 --arch ds-cnn-24
train ds-cnn-24-80-ls --arch ds-cnn-24 --epochs 80 --label-smoothing 0.1
# What the augmentation does (Stride-DS-24).
train stride-ds-24-no-mixup --arch stride-ds-24 --augment shift,freqmask
# Wider, still within 1 M MACC.
train stride-ds-32 --arch stride-ds-32
# Augmentation ablation (Stride-DS-24, the default recipe otherwise): no freqmask.
train stride-ds-24-no-freqmask --arch stride-ds-24 --augment shift,mixup
# ... and no time shift (training windows at the front-end file's hop of 16 frames, not every 4).
train stride-ds-24-no-shift --arch stride-ds-24 --augment mixup,freqmask
# Front-end ablation: 40 mel bands instead of 60.
train stride-ds-24-40-mels --arch stride-ds-24 --frontend examples/esc10/ablations/frontend-40-mels.json
# A pruned frequency range: the 60 mels up to 4 kHz instead of 8 kHz.
train stride-ds-24-fmax-4000 --arch stride-ds-24 --frontend examples/esc10/ablations/frontend-fmax-4000.json
# A longer recipe: 80 epochs (the one-cycle schedule stretched over them), label smoothing 0.1.
train stride-ds-24-80-ls --arch stride-ds-24 --epochs 80 --label-smoothing 0.1
# Twice as long again: 160 epochs.
train stride-ds-24-160-ls --arch stride-ds-24 --epochs 160 --label-smoothing 0.1
# The wider Stride-DS-32 (776,128 MACC, within 1 M) with the same recipe.
train stride-ds-32-80-ls --arch stride-ds-32 --epochs 80 --label-smoothing 0.1
# That recipe with SpecAugment's time masking added.
train stride-ds-24-timemask-80-ls --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --augment shift,mixup,freqmask,timemask
# That recipe again, as a run-to-run reference for the two after it (measured on another machine).
train stride-ds-24-80-ls-rerun --arch stride-ds-24 --epochs 80 --label-smoothing 0.1
# That recipe with the weights averaged (EMA 0.999), and with the bands shifted (freqshift).
train stride-ds-24-80-ls-ema --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --ema 0.999
train stride-ds-24-80-ls-freqshift --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --augment shift,mixup,freqmask,freqshift
# ... with speed perturbation (each training clip also resampled to 0.9 and 1.1 times the rate),
# and on windows of 20 frames (0.64 s, the fewest its valid 5 x 5 third layer takes) every 10
# instead of 31 every 16 (measured 2026-12-07).
train stride-ds-24-80-ls-speed --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --augment shift,mixup,freqmask,speed
# ... with between-class mixing of the sounds (bcmix), in place of feature mixup and beside it
# (measured 2026-12-07).
train stride-ds-24-80-ls-bcmix --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --augment shift,bcmix,freqmask
train stride-ds-24-80-ls-bcmix-mixup --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --augment shift,bcmix,mixup,freqmask
# That recipe with one setting changed: AdamW's weight decay 0.05, batches of 32, training windows
# every 2 frames; then the settings that each gave a clip or more, together (measured 2026-12-07).
train stride-ds-24-80-ls-wd-0.05 --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05
train stride-ds-24-80-ls-batch-32 --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --batch 32
train stride-ds-24-80-ls-hop-2 --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --train-hop 2
train stride-ds-24-80-ls-combined --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05 \
  --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed
# That combination on other front-ends: 80 mel bands; windows of digital silence (below -100 dBFS)
# gated out of training and of the vote, as the device gates them; frames every 256 samples
# (windows of 40 frames every 20), without and with the gate (measured 2026-12-07).
for variant in 80-mels gate hop-256 hop-256-gate; do
  train stride-ds-24-$variant-combined --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05 \
    --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed --frontend examples/esc10/ablations/frontend-$variant.json
done
# The gated and the ungated combined recipe, and the ungated one at hop 256, with a second seed.
train stride-ds-24-gate-combined-seed-2 --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05 \
  --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed --frontend examples/esc10/ablations/frontend-gate.json \
  --seed 20261202
train stride-ds-24-80-ls-combined-seed-2 --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05 \
  --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed --seed 20261202
train stride-ds-24-hop-256-combined-seed-2 --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05 \
  --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed --frontend examples/esc10/ablations/frontend-hop-256.json \
  --seed 20261202
# The combined recipe at hop 512 with the steps of hop 256's 80 epochs (an epoch follows the windows).
train stride-ds-24-140-ls-combined --arch stride-ds-24 --epochs 140 --label-smoothing 0.1 --weight-decay 0.05 \
  --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed
# And hop 256 itself trained longer (120 epochs: 2.6x the steps of hop 512's 80).
train stride-ds-24-hop-256-120-combined --arch stride-ds-24 --epochs 120 --label-smoothing 0.1 --weight-decay 0.05 \
  --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed --frontend examples/esc10/ablations/frontend-hop-256.json
# Hop 256 with the thesis' 31-frame windows (0.5 s, 539,920 MACC).
train stride-ds-24-hop-256-31-frames-combined --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --weight-decay 0.05 --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed \
  --frontend examples/esc10/ablations/frontend-hop-256-31-frames.json
# And with 47-frame windows (0.75 s, 847,360 MACC).
train stride-ds-24-hop-256-47-frames-combined --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --weight-decay 0.05 --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed \
  --frontend examples/esc10/ablations/frontend-hop-256-47-frames.json
# Hop 256 with the budget's whole 1 M MACC: Stride-DS-32 (997,792 MACC).
train stride-ds-32-hop-256-combined --arch stride-ds-32 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05 \
  --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed --frontend examples/esc10/ablations/frontend-hop-256.json
train stride-ds-24-20-frames-80-ls --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --frontend examples/esc10/ablations/frontend-20-frames.json
# Longer windows (47 frames, 1.5 s, every 24) with that recipe.
train stride-ds-24-47-frames-80-ls --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --frontend examples/esc10/ablations/frontend-47-frames.json
# The thesis' own front-end: 22.05 kHz, 60 mels up to 11.025 kHz, windows of 31 frames (0.72 s).
train stride-ds-24-22050-hz-80-ls --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
  --frontend examples/esc10/ablations/frontend-22050-hz.json
# Knowledge distillation: per fold, three Stride-DS-24 of the 80-epoch recipe (seeds + 1 to + 3)
# teach a fourth, the student, half of whose targets are their averaged probabilities.
train stride-ds-24-80-ls-distilled --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --teachers 3
# The other architectures' sizes and Cortex-M4 instructions (weights of one epoch: the sizes are the
# architecture's; instructions change with the weights only through data-dependent branches), and
# the thesis' Baseline's (10.1 M MACC, beyond the budget: a reference).
for arch in pool-ds-8 stride-ds-24-gap tc-32 stride-ds-32 ds-cnn-24 baseline; do
  train sizes/$arch --arch $arch --epochs 1 --holdout 5
done
/usr/bin/python3 examples/train/evaluate_on_device.py --manifest "$runs/esc10.csv" --work "$runs/device-sizes" \
  --cortex-m4 "$runs"/sizes/*
# The shipped model (model/: model.onnx, frontend.json, calibration.npy, reference/, ...): the
# combined recipe on frames every 256 samples (stride-ds-24-hop-256-combined) trained on folds 1-4,
# fold 5 held out (train.py --holdout F trains exactly the 5-fold run's fold F). Before, on 2026-12-07,
# it was stride-ds-24-80-ls-combined's, and before that stride-ds-24-80-ls's (both on frontend.json).
train shipped --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --weight-decay 0.05 --ema 0.999 \
  --augment shift,mixup,freqmask,freqshift,speed --frontend examples/esc10/ablations/frontend-hop-256.json \
  --holdout 5
# Float32 and int8 through earshot's own pipeline (examples/train/evaluate_on_device.py): each
# fold held out in turn, then clip accuracy, sizes and Cortex-M4 instructions.
for fold in 1 2 3 4 5; do
  train stride-ds-24-holdout/fold-$fold --arch stride-ds-24 --holdout $fold
  train stride-ds-24-80-ls-holdout/fold-$fold --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 --holdout $fold
  train stride-ds-24-gap-holdout/fold-$fold --arch stride-ds-24-gap --holdout $fold
  train pool-ds-8-holdout/fold-$fold --arch pool-ds-8 --holdout $fold
  train tc-32-holdout/fold-$fold --arch tc-32 --holdout $fold
  train stride-ds-32-holdout/fold-$fold --arch stride-ds-32 --holdout $fold
  train ds-cnn-24-80-ls-holdout/fold-$fold --arch ds-cnn-24 --epochs 80 --label-smoothing 0.1 --holdout $fold
  train stride-ds-24-20-frames-80-ls-holdout/fold-$fold --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
    --frontend examples/esc10/ablations/frontend-20-frames.json --holdout $fold
  train stride-ds-24-gate-combined-holdout/fold-$fold --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
    --weight-decay 0.05 --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed \
    --frontend examples/esc10/ablations/frontend-gate.json --holdout $fold
  train stride-ds-24-hop-256-combined-holdout/fold-$fold --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
    --weight-decay 0.05 --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed \
    --frontend examples/esc10/ablations/frontend-hop-256.json --holdout $fold
  train stride-ds-24-80-ls-combined-holdout/fold-$fold --arch stride-ds-24 --epochs 80 --label-smoothing 0.1 \
    --weight-decay 0.05 --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed --holdout $fold
  train stride-ds-24-hop-256-combined-seed-2-holdout/fold-$fold --arch stride-ds-24 --epochs 80 \
    --label-smoothing 0.1 --weight-decay 0.05 --ema 0.999 --augment shift,mixup,freqmask,freqshift,speed \
    --frontend examples/esc10/ablations/frontend-hop-256.json --seed 20261202 --holdout $fold
done
for recipe in stride-ds-24 stride-ds-24-80-ls stride-ds-24-gap pool-ds-8 tc-32 stride-ds-32 ds-cnn-24-80-ls \
    stride-ds-24-20-frames-80-ls stride-ds-24-gate-combined stride-ds-24-hop-256-combined \
    stride-ds-24-80-ls-combined stride-ds-24-hop-256-combined-seed-2; do
  /usr/bin/python3 examples/train/evaluate_on_device.py --manifest "$runs/esc10.csv" --work "$runs/device-$recipe" \
    --cortex-m4 --summary "$runs/$recipe-holdout/device.json" "$runs/$recipe-holdout"/fold-*
done
# The device's vote rules compared on the same trained models (their reference/ window probabilities).
/usr/bin/python3 examples/esc10/compare_votes.py "$runs/esc10.csv" "$runs/stride-ds-24-hop-256-combined-holdout" \
  "$runs/stride-ds-24-hop-256-combined-seed-2-holdout" "$runs/stride-ds-24-80-ls-combined-holdout" \
  "$runs/stride-ds-24-gate-combined-holdout"
