// The entry point of an earshot tool, after its models are registered (model_registry.hpp).
#pragma once

namespace earshot::cli {

// `earshot <command> [options]`: runs one command and returns the process exit code. An
// exception that escapes a command (a bug: every input error is meant to be a line of its own)
// is one line naming the command and exit code 2, never std::terminate's abort.
int run_tool(int argc, char** argv);

// The same without that guard, for the fuzzer (tests/fuzz), which must see the exception.
int run_command(int argc, char** argv);

}  // namespace earshot::cli
