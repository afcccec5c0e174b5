// Placeholder until the 'info' command lands; replaced by its implementation.
#include <cstdio>

#include "commands.hpp"

int earshot::cli::run_info(int, char**) {
  std::fprintf(stderr, "earshot info: not implemented yet\n");
  return kExitBadInput;
}
