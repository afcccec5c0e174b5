// The subcommands of the `earshot` tool. Each returns the process exit code: 0 on success,
// 2 for bad input or options (after printing one line on stderr saying what is wrong).
#pragma once

namespace earshot::cli {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;

// `earshot features IN.wav -o OUT.npy [options]`: log-mel / MFCC features, as librosa computes them.
int run_features(int argc, char** argv);

// `earshot info --model NAME | --list [--json]`: the layers and costs of a model.
int run_info(int argc, char** argv);

// `earshot classify --model NAME FILE.wav|DIR ...`: the voted class of each recording (clip mode).
int run_classify(int argc, char** argv);

// `earshot stream --model NAME FILE.wav`: continuous mode, printing changes of state with times.
int run_stream(int argc, char** argv);

int run_windows(int argc, char** argv);

}  // namespace earshot::cli
