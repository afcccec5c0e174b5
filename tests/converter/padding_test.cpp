// What explicit padding buys a converted PyTorch model: stride_ds_24_torch.onnx (make_models.py)
// is Stride-DS-24 with PyTorch's padding=2 where Keras has SAME. Converted, every padding is the
// layers' own (no ZeroPadding2D pass), so its arena equals the SAME model's and stays below
// X-CUBE-AI's 56,250 B for Stride-DS-24; its PyTorch outputs are checked by the runner test.
#include <catch2/catch.hpp>

#include <cstring>

#include "earshot/model/stride_ds.hpp"
#include "stride_ds_24_torch.hpp"

using TorchModel = converted::stride_ds_24_torch::Model;
namespace model = earshot::model;

TEST_CASE("a Stride-DS-24-shaped PyTorch model converts with an arena no larger than Keras' SAME one") {
  // tests/nn/models_test.cpp derives it: the first SeparableConv2D holds its whole 30x16x24
  // input (46,080 B) while it writes its first output row (8 x 36 floats) backwards.
  STATIC_REQUIRE(TorchModel::arena_bytes == 46080 + 1152);
  STATIC_REQUIRE(TorchModel::arena_bytes <= model::StrideDs24::arena_bytes);
  STATIC_REQUIRE(TorchModel::arena_bytes < 56250);
  // Same shapes, same MACC; the batch norms are folded into the convolutions (4 per channel).
  STATIC_REQUIRE(TorchModel::macc == model::StrideDs24::macc);
  STATIC_REQUIRE(TorchModel::params == model::StrideDs24::params - 4 * (24 + 36 + 54));
  constexpr auto rows = TorchModel::layer_info();
  STATIC_REQUIRE(rows.size() == 11);  // Conv2D, ReLU, 2 x (SeparableConv2D, ReLU), Flatten, 2 x (Dense, ReLU/Softmax)
  for (const auto& row : rows) CHECK(std::strcmp(row.type, "ZeroPadding2D") != 0);
}
