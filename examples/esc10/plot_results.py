#!/usr/bin/env python3
"""The ESC-10 results table and the accuracy-against-cost plot (the Pareto front) from the runs of
run_experiments.sh: every RUNS/<name>/results.json.

    /usr/bin/python3 examples/esc10/plot_results.py RUNS_DIR examples/esc10/pareto.png"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    runs, out = sys.argv[1:3]
    results = []
    for name in sorted(os.listdir(runs)):
        path = os.path.join(runs, name, "results.json")
        if os.path.exists(path) and len(json.load(open(path))["folds"]) == 5:
            results.append((name, json.load(open(path))))
    print("| run | architecture | window | recipe | augmentation | MACC / window | parameters | "
          "5-fold clip accuracy (mean ± std) | folds 1-5 | overlap 0.1 / 0.5 / 0.9 |")
    print("|---|---|---|---|---|---:|---:|---:|---|---|")
    for name, r in results:
        folds = " / ".join(f"{100 * r['folds'][f]:.1f}" for f in sorted(r["folds"]))
        overlaps = " / ".join(f"{100 * r['overlaps'][o]:.1f}" for o in ("0.1", "0.5", "0.9"))
        window = " x ".join(map(str, r.get("window", (60, 31))))  # runs before the key was recorded: 60 x 31
        recipe = f"{r['epochs']} epochs" + (f", label smoothing {r['label_smoothing']}" if r.get("label_smoothing") else "")
        recipe += f", weights averaged (EMA {r['ema']})" if r.get("ema") else ""
        # runs before these keys were recorded used the defaults: weight decay 1e-3, batch 64, hop 4
        recipe += f", weight decay {r['weight_decay']:g}" if r.get("weight_decay", 1e-3) != 1e-3 else ""
        recipe += f", batch {r['batch']}" if r.get("batch", 64) != 64 else ""
        recipe += f", training windows every {r['train_hop']} frames" if r.get("train_hop", 4) not in (None, 4) else ""
        recipe += f", windows below {r['gate_dbfs']:g} dBFS gated" if r.get("gate_dbfs") is not None else ""
        recipe += f", seed {r['seed']}" if r["seed"] != 20261201 else ""
        recipe += (f", distilled from {r['teachers']} teachers ({r['distill']} of the target; teachers averaged: "
                   f"{100 * sum(r['teacher_folds'].values()) / 5:.1f}%)") if r.get("teachers") else ""
        print(f"| {name} | {r['arch']} | {window} | {recipe} | {', '.join(r['augment']) or 'none'} | {r['macc']:,} | "
              f"{r['parameters']:,} | {100 * r['mean']:.1f}% ± {100 * r['std']:.1f} | {folds} | {overlaps} |")
    figure, axes = plt.subplots(figsize=(7, 4.5))
    points = sorted(((r["macc"], 100 * r["mean"], name) for name, r in results), key=lambda p: (p[0], -p[1]))
    front, best = [], -1.0
    for macc, accuracy, name in points:
        if accuracy > best:
            front.append((macc, accuracy))
            best = accuracy
    for macc, accuracy, name in points:
        axes.scatter(macc / 1e3, accuracy, color="tab:blue")
        axes.annotate(name, (macc / 1e3, accuracy), fontsize=7, xytext=(4, 3), textcoords="offset points")
    axes.plot([m / 1e3 for m, _ in front], [a for _, a in front], color="tab:orange", label="Pareto front")
    axes.set_xlabel("MACC per window (thousands)")
    axes.set_ylabel("ESC-10 5-fold clip accuracy (%)")
    axes.set_title("ESC-10: accuracy against cost (earshot's features, 60 x 31 windows)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=110)


if __name__ == "__main__":
    main()
