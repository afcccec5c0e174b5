#!/usr/bin/env python3
"""The converter on corrupted models: each committed test model (tests/data/converter/*.onnx)
with one random corruption, of a node attribute (changed, removed, of another type, unknown),
a shape (a dimension changed, removed or named) or an initializer (dimensions, data type, data
cut short, NaN), converted as earshot_add_model() converts it. Every outcome must be a header
that compiles, or exit code 2 with one line that names the problem: never a traceback and never
an "internal error" (the converter's line for a case no check foresaw).

    corrupt_models.py CONVERTER DATA_DIR WORK_DIR CXX INCLUDE_DIR [COUNT [SEED]]

Deterministic for a seed. Prints how many corruptions were refused, and how many converted
(every converted header is compiled, all in one translation unit)."""
import contextlib
import copy
import glob
import importlib.util
import io
import os
import random
import subprocess
import sys

import onnx
from onnx import helper, numpy_helper

import numpy as np


def corrupt_attribute(model, rng):
    nodes = [n for n in model.graph.node if n.attribute]
    if not nodes:
        return None
    node = rng.choice(nodes)
    attribute = rng.choice(node.attribute)
    change = rng.choice(["remove", "ints", "int", "float", "type", "unknown"])
    if change == "remove":
        node.attribute.remove(attribute)
    elif change == "ints" and attribute.ints:
        values = list(attribute.ints)
        values[rng.randrange(len(values))] = rng.choice([-1, 0, 7, 1 << 31, -(1 << 40)])
        if rng.random() < 0.3:
            values = values[:-1]
        del attribute.ints[:]
        attribute.ints.extend(values)
    elif change == "int" and attribute.type == onnx.AttributeProto.INT:
        attribute.i = rng.choice([-1, 0, 2, 99, 1 << 40])
    elif change == "float" and attribute.type == onnx.AttributeProto.FLOAT:
        attribute.f = rng.choice([float("nan"), float("inf"), -1.0, 0.0, 1e30])
    elif change == "type":
        replacement = helper.make_attribute(attribute.name, "text" if attribute.type != onnx.AttributeProto.STRING
                                            else 3)
        node.attribute.remove(attribute)
        node.attribute.append(replacement)
    else:
        node.attribute.append(helper.make_attribute("earshot_unknown", 1))
    return f"attribute {attribute.name} of {node.op_type} ({change})"


def corrupt_shape(model, rng):
    values = list(model.graph.input) + list(model.graph.output) + list(model.graph.value_info)
    values = [v for v in values if v.type.tensor_type.shape.dim]
    if not values:
        return None
    value = rng.choice(values)
    dims = value.type.tensor_type.shape.dim
    dim = dims[rng.randrange(len(dims))]
    change = rng.choice(["value", "remove", "name", "add"])
    if change == "value":
        dim.dim_value = rng.choice([0, 1, 3, 100000])
    elif change == "remove":
        dims.remove(dim)
    elif change == "name":
        dim.dim_param = "N"
    else:
        dims.add().dim_value = 2
    return f"shape of {value.name} ({change})"


def corrupt_initializer(model, rng):
    if not model.graph.initializer:
        return None
    tensor = rng.choice(model.graph.initializer)
    change = rng.choice(["dims", "type", "cut", "nan"])
    array = numpy_helper.to_array(tensor)
    if change == "dims" and array.size > 1:
        replacement = numpy_helper.from_array(array.reshape(-1)[:-1].copy(), tensor.name)
    elif change == "type":
        replacement = numpy_helper.from_array(array.astype(np.float64 if array.dtype != np.float64 else np.int32),
                                              tensor.name)
    elif change == "cut" and tensor.raw_data:
        replacement = copy.deepcopy(tensor)
        replacement.raw_data = tensor.raw_data[:len(tensor.raw_data) // 2]
    elif array.dtype == np.float32 and array.size:
        values = array.copy()
        values.reshape(-1)[rng.randrange(values.size)] = np.nan
        replacement = numpy_helper.from_array(values, tensor.name)
    else:
        replacement = numpy_helper.from_array(np.zeros((0,), np.float32), tensor.name)
        change = "empty"
    tensor.CopyFrom(replacement)
    return f"initializer {tensor.name} ({change})"


def main():
    converter_path, data, work, cxx, include = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 200
    seed = int(sys.argv[7]) if len(sys.argv) > 7 else 14
    spec = importlib.util.spec_from_file_location("earshot_convert", converter_path)
    converter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(converter)
    sources = sorted(glob.glob(os.path.join(data, "*.onnx")))
    models = {path: onnx.load(path) for path in sources}
    rng = random.Random(seed)
    os.makedirs(work, exist_ok=True)
    refused, headers, problems = 0, [], []
    for index in range(count):
        path = rng.choice(sources)
        model = copy.deepcopy(models[path])
        what = None
        while what is None:
            what = rng.choice([corrupt_attribute, corrupt_shape, corrupt_initializer])(model, rng)
        name = f"corrupt_{index}"
        onnx_path = os.path.join(work, name + ".onnx")
        with open(onnx_path, "wb") as f:
            f.write(model.SerializeToString())
        header = os.path.join(work, name + ".hpp")
        if os.path.exists(header):
            os.remove(header)
        errors = io.StringIO()
        case = f"{os.path.basename(path)}, {what}"
        try:
            with contextlib.redirect_stderr(errors):
                code = converter.main([onnx_path, "-o", header, "--name", name, "--namespace", "corrupted"])
        except SystemExit as exit_:
            code = exit_.code
        except Exception as error:  # a traceback
            problems.append(f"{case}: {type(error).__name__}: {error}")
            continue
        message = errors.getvalue()
        if code == 0:
            headers.append(header)
        elif code != 2 or message.count("\n") != 1 or "internal error" in message:
            problems.append(f"{case}: exit {code}: {message.strip()}")
        else:
            refused += 1
    if headers:
        unit = os.path.join(work, "corrupt_models.cpp")
        with open(unit, "w") as f:
            f.write("".join(f'#include "{h}"\n' for h in headers) + "int main() { return 0; }\n")
        compiled = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-I", include, unit],
                                  capture_output=True, text=True)
        if compiled.returncode != 0:
            problems.append("the converted headers do not compile:\n" + compiled.stderr[-3000:])
    for problem in problems:
        print(problem)
    print(f"{count} corrupted models (seed {seed}): {refused} refused with one line, {len(headers)} converted "
          f"and compiled; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
