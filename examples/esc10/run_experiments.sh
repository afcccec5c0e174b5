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
# What the augmentation does (Stride-DS-24).
train stride-ds-24-no-mixup --arch stride-ds-24 --augment shift,freqmask
# Wider, still within 1 M MACC.
train stride-ds-32 --arch stride-ds-32
