"""Checks the converter's cpp_ratio (earshot_converter/cpp.py beside earshot_convert.py): the std::ratio it writes for a LeakyReLU alpha or a
batch-norm epsilon must give back exactly the model's float32 when C++ divides num by den in
float (activations.hpp, batch_normalization.hpp). Values: the usual ones, and 2,000 random
float32 values over 2^-36 .. 2^20 whose decimal fractions need large denominators; a value too
small for any std::ratio (1e-30) must be a ConvertError, not a wrong number.

    check_ratio.py CONVERTER
"""
import os
import re
import sys

import numpy as np


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(sys.argv[1])))
    from earshot_converter import cpp, errors
    rng = np.random.default_rng(20261130)
    values = [0.01, 0.2, 0.3, 1e-3, 1e-5, 0.123456789, 1.0 / 3.0, 6.0]
    values += list(np.float32(2.0) ** rng.uniform(-36, 20, 2000).astype(np.float32))
    wrong = []
    for value in values:
        target = np.float32(value)
        text = cpp.cpp_ratio(target)
        num, den = (int(x) for x in re.fullmatch(r"std::ratio<(-?\d+), (\d+)>", text).groups())
        if abs(num) >= 2**63 or den >= 2**63 or np.float32(num) / np.float32(den) != target:
            wrong.append(f"{float(target)!r} -> {text}")
    try:
        wrong.append(f"1e-30 -> {cpp.cpp_ratio(np.float32(1e-30))}, expected an error")
    except errors.ConvertError:
        pass
    print(f"{len(values)} values, {len(wrong)} not exact")
    for line in wrong[:10]:
        print("NOT EXACT", line)
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
