// Entry point of the `earshot` tool: dispatches to one subcommand per file.
#include <cstdio>
#include <cstring>

#include "commands.hpp"

namespace {

struct Command {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"features", earshot::cli::run_features, "compute log-mel or MFCC features of a WAV file"},
    {"info", earshot::cli::run_info, "show the layers, MACC and memory of a built-in model"},
    {"classify", earshot::cli::run_classify, "classify WAV recordings with a built-in model (clip mode)"},
    {"stream", earshot::cli::run_stream, "run a model over a long recording, printing changes of state"},
    {"windows", earshot::cli::run_windows, "write the tensors a model receives for a recording (.npy)"},
};

void print_usage(std::FILE* out) {
  std::fprintf(out, "usage: earshot <command> [options]\n\ncommands:\n");
  for (const auto& command : kCommands) {
    std::fprintf(out, "  %-10s %s\n", command.name, command.summary);
  }
  std::fprintf(out, "\n`earshot <command> --help` describes a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return earshot::cli::kExitBadInput;
  }
  if (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    print_usage(stdout);
    return earshot::cli::kExitOk;
  }
  for (const auto& command : kCommands) {
    if (std::strcmp(argv[1], command.name) == 0) return command.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "earshot: unknown command '%s' (try 'earshot --help')\n", argv[1]);
  return earshot::cli::kExitBadInput;
}
