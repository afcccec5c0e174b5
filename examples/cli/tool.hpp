// The entry point of an earshot tool, after its models are registered (model_registry.hpp).
#pragma once

namespace earshot::cli {

// `earshot <command> [options]`: runs one command and returns the process exit code.
int run_tool(int argc, char** argv);

}  // namespace earshot::cli
