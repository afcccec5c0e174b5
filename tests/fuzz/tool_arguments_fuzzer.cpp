// The `earshot` tool's command lines (examples/cli): the input, split at NUL bytes, is argv
// (at most 16 arguments), run through every command with the thesis models registered, in a
// scratch folder holding one short WAV, one .npy and one text file. Any command line ends with
// an exit code of 0 or 2 and never an exception (run_command has no guard: an exception
// escaping is the finding). Arguments with a '/' or starting with ".." are skipped, so output
// files (-o) stay in the scratch folder, which is restored after every run; standard
// input is /dev/null and standard output is discarded.
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "earshot/io/npy.hpp"
#include "fuzz_check.hpp"
#include "io/wav_builder.hpp"
#include "thesis_models.hpp"
#include "tool.hpp"

using earshot::fuzz::require;

namespace {

// 0.25 s of a 440 Hz tone at 8 kHz: a recording every command can read quickly.
void write_recording(const char* name) {
  earshot::test::Bytes pcm;
  for (std::size_t i = 0; i < 2000; ++i) {
    const double tone = 0.5 * std::sin(2.0 * 3.14159265358979 * 440.0 * static_cast<double>(i) / 8000.0);
    earshot::test::put_le(pcm, static_cast<std::uint16_t>(static_cast<std::int16_t>(tone * 32767.0)), 2);
  }
  const earshot::test::Bytes bytes = earshot::test::wav_file(earshot::test::fmt_body(1, 1, 8000, 16), pcm);
  std::FILE* file = std::fopen(name, "wb");
  require(file != nullptr && std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() && std::fclose(file) == 0,
          "the scratch recording is written");
}

// The files every command line starts from: rewritten after each run, so that a command that
// wrote over one (`-o a.wav`) leaves nothing for the next run to depend on.
void write_scratch_files(const std::filesystem::path& folder) {
  for (const auto& entry : std::filesystem::directory_iterator(folder)) std::filesystem::remove_all(entry.path());
  write_recording((folder / "a.wav").c_str());
  const float values[6] = {1, 2, 3, 4, 5, 6};
  require(earshot::save_npy((folder / "b.npy").string(), values, {2, 3}), "the scratch array is written");
  std::FILE* text = std::fopen((folder / "c.txt").c_str(), "w");
  require(text != nullptr && std::fputs("not audio\n", text) >= 0 && std::fclose(text) == 0, "c.txt is written");
}

// The scratch folder, made and filled on the first run. The harness works in it only while a
// command runs: libFuzzer reads and writes its corpus by the paths it was given.
const std::filesystem::path& scratch_folder() {
  static const std::filesystem::path folder = [] {
    char name[] = "/tmp/earshot-tool-fuzz-XXXXXX";
    require(mkdtemp(name) != nullptr, "the scratch folder is made");
    const std::filesystem::path path(name);
    write_scratch_files(path);
    require(std::freopen("/dev/null", "r", stdin) != nullptr && std::freopen("/dev/null", "w", stdout) != nullptr,
            "standard input and output are /dev/null");
    earshot::cli::register_thesis_models();
    return path;
  }();
  return folder;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path& folder = scratch_folder();
  std::vector<std::string> arguments{"earshot"};
  std::string current;
  for (std::size_t i = 0; i <= size; ++i) {
    if (i < size && data[i] != 0) {
      current += static_cast<char>(data[i]);
      continue;
    }
    if (current.find('/') != std::string::npos || current.rfind("..", 0) == 0) return 0;
    arguments.push_back(current);
    current.clear();
    if (arguments.size() > 17) return 0;
  }
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const std::filesystem::path before = std::filesystem::current_path();
  std::filesystem::current_path(folder);
  const int code = earshot::cli::run_command(static_cast<int>(arguments.size()), argv.data());
  std::filesystem::current_path(before);
  require(code == 0 || code == 2, "the exit code is 0 or 2");
  std::fflush(stdout);
  write_scratch_files(folder);
  return 0;
}
