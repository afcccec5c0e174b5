// A human summary of a feature matrix for the terminal (`earshot features --summary`, used by
// the demo): shape, value range and a small ASCII picture, low bands at the bottom as in a
// spectrogram plot.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace earshot::cli {

// values: rows x columns, row-major (librosa's (n_mels, n_frames)). The picture maps
// [max - range, max] to ten shades; at most max_width characters wide (columns are averaged
// in groups) and one line per row.
inline void print_feature_picture(std::FILE* out, const std::vector<float>& values,
                                  std::size_t rows, std::size_t columns, float range,
                                  std::size_t max_width = 72) {
  if (rows == 0 || columns == 0) return;
  static constexpr char kShades[] = " .:-=+*#%@";
  constexpr std::size_t kShadeCount = sizeof kShades - 1;
  const float peak = *std::max_element(values.begin(), values.end());
  const std::size_t group = (columns + max_width - 1) / max_width;
  for (std::size_t row = rows; row-- > 0;) {
    std::string line;
    for (std::size_t first = 0; first < columns; first += group) {
      const std::size_t last = std::min(columns, first + group);
      float sum = 0.0f;
      for (std::size_t c = first; c < last; ++c) sum += values[row * columns + c];
      const float mean = sum / static_cast<float>(last - first);
      const float level = std::clamp((mean - (peak - range)) / range, 0.0f, 1.0f);
      const auto shade =
          static_cast<std::size_t>(level * static_cast<float>(kShadeCount - 1) + 0.5f);
      line += kShades[shade];
    }
    std::fprintf(out, "  |%s|\n", line.c_str());
  }
}

}  // namespace earshot::cli
