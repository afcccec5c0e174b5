"""earshot's ONNX converter, stage by stage: onnx_import (ONNX graph -> NHWC layer list), passes
(folding and merging on the list), reference (the list run in numpy, for calibration), quantize
(TFLite-spec int8 parameters), emit (the C++ header). earshot_convert.py is the command."""
