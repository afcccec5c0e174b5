// Placeholder until the 'features' command lands; replaced by its implementation.
#include <cstdio>

#include "commands.hpp"

int earshot::cli::run_features(int, char**) {
  std::fprintf(stderr, "earshot features: not implemented yet\n");
  return kExitBadInput;
}
