// The thesis models every earshot tool carries (thesis_models.cpp).
#pragma once

namespace earshot::cli {

// Registers baseline, stride-ds-12, -16, -20 and -24 (stand-in weights), in that order.
void register_thesis_models();

}  // namespace earshot::cli
