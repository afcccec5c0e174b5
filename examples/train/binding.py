"""The earshot Python binding from a build folder, for the training scripts (examples/train,
examples/fsdd): one clear message when it has not been built."""
import sys


def import_earshot(python_dir):
    """The `earshot` module of <build>/python (-DEARSHOT_BUILD_PYTHON=ON, the default preset's)."""
    sys.path.insert(0, python_dir)
    try:
        import earshot
    except ImportError as error:
        sys.exit(f"cannot import the earshot binding from {python_dir} ({error}): build it with "
                 "`cmake --workflow --preset test` (the default preset has EARSHOT_BUILD_PYTHON=ON)")
    return earshot
