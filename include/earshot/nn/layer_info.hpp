// What `earshot info` and the model's constexpr totals report for one layer. MACC counts the
// multiply-accumulates of convolution and dense layers over every output cell, padding
// included (the Keras-side convention); xcube_macc estimates X-CUBE-AI's convention, which also
// counts one operation per output value of batch-norm, pooling, activations and Add.
#pragma once

namespace earshot::nn {

struct LayerInfo {
  const char* type;     // Keras class name: "Conv2D", "BatchNormalization", ...
  int height;           // output shape
  int width;
  int channels;
  long params;          // weights and biases (BatchNormalization: gamma, beta, mean, variance)
  long macc;            // convolution and dense multiply-accumulates, padding included
  long xcube_macc;      // X-CUBE-AI style: macc + one per output value of BN, pooling, activations, Add
  long activation_bytes;  // bytes of the output tensor as if it were stored on its own
  int depth;            // nesting inside Residual blocks (0 at the top)
};

namespace detail {

// How the model's planner treats a layer.
enum class Role {
  kWindow,    // sliding window over rows (convolutions, pooling): streams row by row
  kWhole,     // needs its whole input before writing (Dense, global pooling)
  kPixel,     // per-cell operation on the channel vector, done in place (BN, activations, softmax)
  kReshape,   // changes the shape only (Flatten)
  kResidual,  // output = input + a nested block's output
  kBranches,  // output = the nested branches' outputs side by side in the channels (Concatenate)
};

}  // namespace detail
}  // namespace earshot::nn
