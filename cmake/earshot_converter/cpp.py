"""C++ spellings of the values a header holds: floats that read back exactly, strings, ratios."""
import numpy as np

from .errors import ConvertError


def cpp_float(value):
    value = float(np.float32(value))
    if not np.isfinite(value):
        raise ConvertError(f"weight {value} is not finite")
    text = "%.9g" % value
    if "e" not in text and "." not in text:
        text += ".0"
    return text + "f"


def cpp_string(text):
    out = []
    for ch in text:
        if ch in "\\\"":
            out.append("\\" + ch)
        elif ord(ch) < 32:
            out.append("\\x%02x\"\"" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def cpp_ratio(value):
    """A std::ratio whose float equals the float32 `value` (LeakyReLU alpha, BN epsilon): the
    simplest fraction that gives it back when C++ divides num by den in float."""
    from fractions import Fraction
    target = np.float32(value)
    exact = Fraction(float(target))
    # The last limit returns the float's own value m / 2^k when 2^k fits (|value| above about
    # 2^-39): m has at most 24 bits and 2^k is a float too, so the division is exact.
    for limit in (10, 100, 1000, 10**4, 10**5, 10**6, 10**7, 10**8, 10**9, 2**62):
        fraction = exact.limit_denominator(limit)
        if abs(fraction.numerator) < 2**62 and \
                np.float32(fraction.numerator) / np.float32(fraction.denominator) == target:
            return f"std::ratio<{fraction.numerator}, {fraction.denominator}>"
    raise ConvertError(f"{float(target)!r} cannot be written exactly as a std::ratio (too small)")
