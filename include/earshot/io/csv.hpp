// Writes a 2-D float32 array as CSV, one line per row, as numpy.savetxt(delimiter=",") lays it
// out; values printed with 9 significant digits so that every float32 reads back exactly.
// Host-only (iostreams): never include it in firmware.
#pragma once

#include <cstddef>
#include <cstdio>
#include <ostream>

namespace earshot {

inline bool write_csv(std::ostream& out, const float* values, std::size_t rows,
                      std::size_t columns) {
  char text[32];
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t column = 0; column < columns; ++column) {
      std::snprintf(text, sizeof text, "%.9g", static_cast<double>(values[row * columns + column]));
      if (column > 0) out << ',';
      out << text;
    }
    out << '\n';
  }
  return static_cast<bool>(out);
}

}  // namespace earshot
