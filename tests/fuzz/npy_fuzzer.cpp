// read_npy (earshot/io/npy.hpp) on any bytes: an array is read or refused with one line, never
// thrown (issue 14: a descr value cut off at the header's end threw std::out_of_range), and
// what is read writes back and reads again bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <sstream>
#include <string>

#include "earshot/io/npy.hpp"
#include "fuzz_check.hpp"

using earshot::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  const earshot::NpyReadResult result = earshot::read_npy(in);
  if (!result.ok()) {
    earshot::fuzz::require_one_line(result.error, "an npy error is one line");
    return 0;
  }
  const earshot::NpyArray& array = result.array;
  require(array.values.size() == earshot::detail::npy_element_count(array.shape), "as many values as the shape says");
  std::ostringstream out;
  require(earshot::write_npy(out, array.values.data(), array.shape), "an array read is written");
  std::istringstream again(out.str());
  const earshot::NpyReadResult reread = earshot::read_npy(again);
  require(reread.ok() && reread.array.shape == array.shape, "what is written reads again");
  require(array.values.empty() ||
              std::memcmp(reread.array.values.data(), array.values.data(), 4 * array.values.size()) == 0,
          "bit for bit");
  return 0;
}
