// earshot-cli-check KIND ACTUAL.npy|ACTUAL.csv EXPECTED.npy [--power 1]: compares the output of
// `earshot features` with a librosa golden file using issue 2's tolerances, prints the worst
// error, exits 0 when within tolerance and 1 otherwise.
//   db:   |error| <= 0.01 dB where expected >= max - 60 dB, <= 0.1 dB where >= max - 80 dB
//   mel:  |error| <= 1e-4 x the expected frame's (column's) maximum
//   ln:   the db rule in natural-log units (1 neper = 10 / ln(10) dB of power, twice that with
//         --power 1, a magnitude spectrum); below max - 80 dB the mel rule on exp(value), where
//         ln_offset cancels
//   mfcc: |error| <= 0.01
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "earshot/io/npy.hpp"

namespace {

struct Worst {
  double error = 0.0;
  double tolerance = 0.0;
  std::size_t row = 0;
  std::size_t column = 0;
  double ratio() const { return tolerance > 0.0 ? error / tolerance : 0.0; }
};

// A CSV of numbers (one line per row, as `earshot features` writes it) as an array.
earshot::NpyReadResult load_csv(const std::string& path) {
  earshot::NpyReadResult result;
  std::ifstream in(path);
  if (!in) {
    result.error = "cannot open " + path;
    return result;
  }
  std::string line;
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string field;
    std::size_t columns = 0;
    while (std::getline(fields, field, ',')) {
      char* end = nullptr;
      result.array.values.push_back(std::strtof(field.c_str(), &end));
      if (field.empty() || *end != '\0') {
        result.error = path + ": not a number: '" + field + "'";
        return result;
      }
      ++columns;
    }
    if (rows > 0 && columns != result.array.shape[1]) {
      result.error = path + ": lines have different numbers of fields";
      return result;
    }
    result.array.shape = {++rows, columns};
  }
  return result;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    text += (i > 0 ? ", " : "") + std::to_string(shape[i]);
  }
  return text + ")";
}

bool ends_with_csv(const std::string& path) {
  return path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool magnitude =
      argc == 6 && std::string(argv[4]) == "--power" && std::string(argv[5]) == "1";
  if (argc != 4 && !magnitude) {
    std::fprintf(stderr,
                 "usage: earshot-cli-check db|mel|ln|mfcc ACTUAL.npy EXPECTED.npy [--power 1]\n");
    return 2;
  }
  const double db_per_neper = (magnitude ? 20.0 : 10.0) / 2.302585092994046;
  const std::string kind = argv[1];
  if (kind != "db" && kind != "mel" && kind != "ln" && kind != "mfcc") {
    std::fprintf(stderr, "earshot-cli-check: unknown kind '%s'\n", kind.c_str());
    return 2;
  }
  const earshot::NpyReadResult actual =
      ends_with_csv(argv[2]) ? load_csv(argv[2]) : earshot::load_npy(argv[2]);
  const earshot::NpyReadResult expected = earshot::load_npy(argv[3]);
  for (const auto* result : {&actual, &expected}) {
    if (!result->ok()) {
      std::fprintf(stderr, "earshot-cli-check: %s\n", result->error.c_str());
      return 1;
    }
  }
  if (actual.array.shape != expected.array.shape || expected.array.shape.size() != 2) {
    std::fprintf(stderr, "earshot-cli-check: shape %s differs from the expected %s\n",
                 shape_text(actual.array.shape).c_str(), shape_text(expected.array.shape).c_str());
    return 1;
  }
  const std::size_t rows = expected.array.shape[0];
  const std::size_t columns = expected.array.shape[1];
  const std::vector<float>& want = expected.array.values;
  const std::vector<float>& got = actual.array.values;
  const double peak = *std::max_element(want.begin(), want.end());

  Worst worst;  // the value closest to its tolerance
  double largest_error = 0.0;
  std::size_t checked = 0;
  for (std::size_t column = 0; column < columns; ++column) {
    double column_peak = -HUGE_VAL;
    for (std::size_t row = 0; row < rows; ++row) {
      column_peak = std::max(column_peak, static_cast<double>(want[row * columns + column]));
    }
    for (std::size_t row = 0; row < rows; ++row) {
      const double w = want[row * columns + column];
      const double g = got[row * columns + column];
      double error = std::fabs(g - w);
      double tolerance = 0.0;
      if (kind == "mfcc") {
        tolerance = 0.01;
      } else if (kind == "mel") {
        tolerance = 1e-4 * column_peak;
      } else {
        const double below_peak_db = (peak - w) * (kind == "ln" ? db_per_neper : 1.0);
        const double unit = kind == "ln" ? 1.0 / db_per_neper : 1.0;
        if (below_peak_db <= 60.0) {
          tolerance = 0.01 * unit;
        } else if (below_peak_db <= 80.0) {
          tolerance = 0.1 * unit;
        } else if (kind == "ln") {
          error = std::fabs(std::exp(g) - std::exp(w));
          tolerance = 1e-4 * std::exp(column_peak);
        } else {
          tolerance = 0.1;  // librosa clamps at max - top_db, so only a wider top_db lands here
        }
      }
      if (!(error <= tolerance)) {
        std::fprintf(stderr,
                     "earshot-cli-check: %s [%zu, %zu] = %.7g, expected %.7g (error %.3g > %.3g)\n",
                     kind.c_str(), row, column, g, w, error, tolerance);
        return 1;
      }
      largest_error = std::max(largest_error, error);
      if (tolerance > 0.0 && error / tolerance >= worst.ratio()) {
        worst = {error, tolerance, row, column};
      }
      ++checked;
    }
  }
  std::printf(
      "%s: %zu values within tolerance; largest error %.3g; closest to tolerance %.3g of %.3g "
      "at [%zu, %zu]\n",
      kind.c_str(), checked, largest_error, worst.error, worst.tolerance, worst.row, worst.column);
  return 0;
}
