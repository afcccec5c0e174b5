#!/usr/bin/env python3
"""A user's own model for the TOOL test (tests/consumer): a small CNN on 24 mel bands x 20 frames
of 8 kHz audio, 3 classes, with random (seeded) weights: not trained, so its answers mean nothing,
but its pipeline differs from every default (hop, vote, threshold, gate, top_db) so that a tool
which ignored the front-end file would give other windows and other answers.

    /usr/bin/python3 make_tool_model.py   # writes tool_model.onnx beside this file"""
import os

import torch


def main():
    torch.manual_seed(7)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(), torch.nn.Linear(8, 3), torch.nn.Softmax(dim=1)).eval()
    here = os.path.dirname(os.path.abspath(__file__))
    torch.onnx.export(model, torch.zeros(1, 1, 24, 20), os.path.join(here, "tool_model.onnx"), opset_version=13,
                      input_names=["input"], output_names=["output"])


if __name__ == "__main__":
    main()
