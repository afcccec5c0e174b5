#!/usr/bin/env python3
"""Converts an ONNX model (torch.onnx.export at opsets 11-17, or tf2onnx) to one C++ header that
declares the model as an earshot::Model type, with its weights as constexpr arrays in flash.

    earshot_convert.py model.onnx -o model.hpp --name my_model [--namespace ns]
                       [--labels labels.txt] [--frontend frontend.json]
                       [--quantize int8 --calibration calib.npy]

Needs numpy and onnx only. The stages live in earshot_converter/ beside this file: import
(ONNX -> NHWC layer list), passes, quantization (int8: calibrated on calib.npy, TFLite's
specification), emitter. Unsupported operators or attributes, bad files and bad calibration
sets end the program with exit code 2 and one line naming the problem; no header is left behind.
"""
import argparse
import os
import sys
import tempfile
import traceback

try:
    import numpy as np  # checked here so that its absence is one line
    import onnx
except ImportError as missing:  # pragma: no cover - depends on the machine
    sys.stderr.write(f"earshot_convert.py: error: the Python module '{missing.name}' is missing "
                     "(Debian: apt-get install python3-numpy python3-onnx)\n")
    sys.exit(2)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from earshot_converter import passes, quantize  # noqa: E402
from earshot_converter.emit import Emitter  # noqa: E402
from earshot_converter.errors import ConvertError  # noqa: E402
from earshot_converter.onnx_import import Converter  # noqa: E402


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".earshot_convert.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def is_identifier(text):
    return text.isidentifier() and text.isascii()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="earshot_convert.py",
        description="Convert an ONNX model to a C++ header declaring an earshot::nn::Model.")
    parser.add_argument("model", help="the .onnx file")
    parser.add_argument("-o", "--output", required=True, help="the header to write")
    parser.add_argument("--name", required=True, help="C++ name of the model (its namespace)")
    parser.add_argument("--namespace", default="", help="enclosing namespace, e.g. app::models")
    parser.add_argument("--labels", help="text file, one class label per line")
    parser.add_argument("--frontend", help="JSON file with the front-end configuration")
    parser.add_argument("--quantize", choices=("int8",), help="post-training quantization (TFLite's int8 scheme)")
    parser.add_argument("--calibration", help="with --quantize: .npy of float32 representative inputs, "
                        "in the framework's layout with the batch dimension (N, C, H, W for PyTorch)")
    args = parser.parse_args(argv)
    try:
        if not is_identifier(args.name):
            raise ConvertError(f"--name '{args.name}' is not a C++ identifier")
        if args.namespace and not all(is_identifier(part) for part in args.namespace.split("::")):
            raise ConvertError(f"--namespace '{args.namespace}' is not a C++ namespace name")
        try:
            with open(args.model, "rb") as f:
                source = f.read()
        except OSError as error:
            raise ConvertError(f"cannot read '{args.model}': {error.strerror}") from None
        try:
            model = onnx.load_from_string(source)
        except Exception as error:
            raise ConvertError(f"'{args.model}' is not an ONNX model ({type(error).__name__})") from None
        if args.calibration and not args.quantize:
            raise ConvertError("--calibration is only read with --quantize int8")
        # NaN or infinities from a corrupt model are refused by name (a weight that is not
        # finite); numpy's warnings on the way would add lines of their own.
        with np.errstate(all="ignore"):
            converter = Converter(model).run()
            passes.optimise(converter)
            quantization = quantize.quantize(converter, args.calibration) if args.quantize else None
            write_atomically(args.output, Emitter(converter, args, source, quantization).header())
    except ConvertError as error:
        sys.stderr.write(f"earshot_convert.py: {args.model}: {error}\n")
        return 2
    except Exception as error:  # a case the checks above did not foresee: still one line, exit 2
        where = traceback.extract_tb(error.__traceback__)[-1]
        detail = (str(error).splitlines() or [""])[0]
        sys.stderr.write(f"earshot_convert.py: {args.model}: internal error ({type(error).__name__}: {detail} "
                         f"at {os.path.basename(where.filename)}:{where.lineno}); please report it with the model\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
