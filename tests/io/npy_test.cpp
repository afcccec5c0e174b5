// earshot/io/npy.hpp against numpy's format spec (numpy/lib/format.py) and files written by
// np.save (tests/data/io/make_reference.py); earshot/io/csv.hpp against hand-written text.
#include "earshot/io/npy.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "earshot/io/csv.hpp"
#include "io/wav_builder.hpp"

namespace {

std::string data_path(const char* name) {
  return std::string(EARSHOT_TEST_DATA_DIR) + "/io/" + name;
}

std::vector<float> arange(std::size_t count) {
  std::vector<float> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = static_cast<float>(i);
  return values;
}

std::string to_npy(const std::vector<float>& values, const std::vector<std::size_t>& shape) {
  std::ostringstream out;
  REQUIRE(earshot::write_npy(out, values.data(), shape));
  return out.str();
}

earshot::NpyReadResult from_npy(const std::string& bytes) {
  std::istringstream in(bytes);
  return earshot::read_npy(in);
}

}  // namespace

TEST_CASE("the npy header follows format version 1.0") {
  const std::string header = earshot::npy_header({40, 25});
  REQUIRE(header.size() % 64 == 0);  // numpy pads magic + length + dict to 64 bytes
  CHECK(header.compare(0, 6, "\x93NUMPY") == 0);
  CHECK(header[6] == '\x01');
  CHECK(header[7] == '\x00');
  const std::size_t dict_length =
      static_cast<unsigned char>(header[8]) |
      (static_cast<std::size_t>(static_cast<unsigned char>(header[9])) << 8);
  CHECK(dict_length == header.size() - 10);
  CHECK(header.back() == '\n');
  const std::string expected_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (40, 25), }";
  CHECK(header.compare(10, expected_dict.size(), expected_dict) == 0);
  CHECK(header.find_first_not_of(' ', 10 + expected_dict.size()) == header.size() - 1);

  CHECK(earshot::npy_header({5}).find("'shape': (5,), }") != std::string::npos);
  CHECK(earshot::npy_header({}).find("'shape': (), }") != std::string::npos);
}

TEST_CASE("a written npy file is byte for byte what np.save writes") {
  const earshot::test::Bytes numpy_bytes =
      earshot::test::read_file_bytes(data_path("numpy_arange_2x3x4.npy"));
  const std::string ours = to_npy(arange(24), {2, 3, 4});
  CHECK(ours == std::string(numpy_bytes.begin(), numpy_bytes.end()));
}

TEST_CASE("files written by np.save are read, Fortran order returned in C order") {
  const earshot::NpyReadResult c_order = earshot::load_npy(data_path("numpy_arange_2x3x4.npy"));
  REQUIRE(c_order.ok());
  CHECK(c_order.array.shape == std::vector<std::size_t>{2, 3, 4});
  CHECK(c_order.array.values == arange(24));

  // np.asfortranarray(arange(6).reshape(2, 3)) is stored 0 3 1 4 2 5; reading restores 0..5.
  const earshot::NpyReadResult fortran = earshot::load_npy(data_path("numpy_fortran_2x3.npy"));
  REQUIRE(fortran.ok());
  CHECK(fortran.array.shape == std::vector<std::size_t>{2, 3});
  CHECK(fortran.array.values == arange(6));
}

TEST_CASE("write then read returns every float32 bit pattern unchanged") {
  const std::vector<float> values = {0.0f,
                                     -0.0f,
                                     1.0f / 3.0f,
                                     -1e-42f,  // subnormal
                                     std::numeric_limits<float>::max(),
                                     std::numeric_limits<float>::infinity(),
                                     -std::numeric_limits<float>::infinity(),
                                     123456.789f};
  const earshot::NpyReadResult back = from_npy(to_npy(values, {2, 4}));
  REQUIRE(back.ok());
  CHECK(back.array.shape == std::vector<std::size_t>{2, 4});
  REQUIRE(back.array.values.size() == values.size());
  CHECK(std::memcmp(back.array.values.data(), values.data(), values.size() * sizeof(float)) == 0);

  const earshot::NpyReadResult scalar = from_npy(to_npy({2.5f}, {}));
  REQUIRE(scalar.ok());
  CHECK(scalar.array.shape.empty());
  CHECK(scalar.array.values == std::vector<float>{2.5f});
}

TEST_CASE("bad npy input is reported") {
  CHECK_FALSE(from_npy("not numpy at all").ok());
  std::string f8 = to_npy({1.0f, 2.0f}, {1});
  f8.replace(f8.find("<f4"), 3, "<f8");
  const earshot::NpyReadResult wrong_type = from_npy(f8);
  CHECK(wrong_type.error.find("'<f8'") != std::string::npos);
  const std::string whole = to_npy({1.0f, 2.0f}, {2});
  const earshot::NpyReadResult truncated = from_npy(whole.substr(0, whole.size() - 1));
  CHECK(truncated.error.find("truncated") != std::string::npos);
  CHECK(earshot::load_npy(data_path("no_such_file.npy")).error.find("cannot open") !=
        std::string::npos);
}

TEST_CASE("a header that claims too much is an error, not a huge allocation") {
  const std::string two = to_npy({1.0f, 2.0f}, {2});
  const auto with_shape = [&](const std::string& shape) {
    std::string bytes = two;
    const std::size_t at = bytes.find("(2,)");
    bytes.replace(at, 4, shape);
    // Keep the header length field (version 1.0: 2 bytes at offset 8) honest.
    const std::size_t length = static_cast<unsigned char>(bytes[8]) + (shape.size() - 4);
    bytes[8] = static_cast<char>(length & 0xFF);
    bytes[9] = static_cast<char>(length >> 8);
    return from_npy(bytes);
  };
  REQUIRE(with_shape("(2,)").ok());
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max();
  // A dimension that fits in size_t but whose float32 bytes do not.
  CHECK(with_shape("(" + std::to_string(kMax / 4 + 1) + ",)").error.find("too large") != std::string::npos);
  // Past 2^64 the dimension itself does not fit.
  CHECK(with_shape("(99999999999999999999999,)").error.find("shape") != std::string::npos);
  // Half the address space of floats fits in size_t, but the file has 8 bytes of data.
  CHECK(with_shape("(" + std::to_string(kMax / 8) + ",)").error.find("truncated .npy data") != std::string::npos);
  // A version 2.0 header length of 4 GiB on a short file.
  std::string v2 = "\x93NUMPY";
  v2 += std::string("\x02\x00\xff\xff\xff\xff", 6);
  CHECK(from_npy(v2 + "{'descr': '<f4'}").error == "truncated .npy header");
}

// Headers cut off or malformed right at the descr value; the first is libFuzzer's finding of
// issue 14 (the value ran to the end of the header, and std::string::compare threw).
TEST_CASE("a descr value cut off or malformed is reported, never thrown") {
  const auto header_only = [](const std::string& dict) {
    std::string bytes = "\x93NUMPY";
    bytes += std::string("\x01\x00", 2);
    bytes += static_cast<char>(dict.size() & 0xFF);
    bytes += static_cast<char>(dict.size() >> 8);
    return from_npy(bytes + dict);
  };
  CHECK(header_only("{'descr':").error == "unsupported .npy dtype (none) (only little-endian float32 '<f4')");
  CHECK(header_only("{'descr': '").error == "unsupported .npy dtype ' (only little-endian float32 '<f4')");
  CHECK(header_only("{'descr': '<f4").error == "unsupported .npy dtype '<f4 (only little-endian float32 '<f4')");
  CHECK(header_only("{'descr': '<f4\", ").error.find("unsupported .npy dtype '<f4\"") == 0);
  CHECK(header_only("{'descr': x<f4, ").error.find("unsupported .npy dtype x<f4") == 0);
  // The npy fuzzer's finding (tests/fuzz/regressions/npy): a line break inside the value shown.
  CHECK(header_only("{'descr': '  \n<f4', ").error ==
        "unsupported .npy dtype '  ?<f4' (only little-endian float32 '<f4')");
  CHECK(header_only("{'descr': '12345678901234567890', ").error ==
        "unsupported .npy dtype '123456789012345 (only little-endian float32 '<f4')");
  CHECK(header_only("{'fortran_order': False}").error == "invalid .npy header (no descr)");
  CHECK(header_only("{'descr': \"<f4\", 'fortran_order': False, 'shape': (0,), }").ok());
}

// Every prefix and every single-byte corruption of a file is read or reported, never thrown
// or read past (the asan preset runs this too).
TEST_CASE("cut or corrupted npy files are reported, never thrown") {
  const std::string good = to_npy({1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f}, {2, 3});
  for (std::size_t size = 0; size < good.size(); ++size) {
    CHECK_FALSE(from_npy(good.substr(0, size)).ok());
  }
  for (std::size_t position = 0; position < good.size(); ++position) {
    for (const int flip : {0x01, 0x20, 0x80}) {
      std::string corrupted = good;
      corrupted[position] = static_cast<char>(corrupted[position] ^ flip);
      const earshot::NpyReadResult result = from_npy(corrupted);
      if (result.ok()) {
        CHECK(result.array.values.size() == earshot::detail::npy_element_count(result.array.shape));
      } else {
        CHECK(result.error.find('\n') == std::string::npos);
      }
    }
  }
}

TEST_CASE("csv has one line per row and round-trippable values") {
  const std::vector<float> values = {0.0f, 0.1f, -2.5f, 1e-10f, 100.0f, -80.0f};
  std::ostringstream out;
  REQUIRE(earshot::write_csv(out, values.data(), 2, 3));
  CHECK(out.str() == "0,0.100000001,-2.5\n1.00000001e-10,100,-80\n");
}

// /dev/full accepts the open and fails every write with ENOSPC; the bytes of a small array sit
// in the stream's buffer until it is flushed, so only a flush shows the failure.
TEST_CASE("save_npy reports a write that fails, not only a failed open") {
  if (EARSHOT_TEST_IN_EMULATOR) {
    // newlib retries a semihosted write that wrote nothing, forever.
    WARN("in the emulator /dev/full is reached through semihosting: not checked");
    return;
  }
  if (!std::ofstream("/dev/full")) {
    WARN("no /dev/full here (not Linux): not checked");
    return;
  }
  const std::vector<float> values = {1.0f, 2.0f};
  CHECK_FALSE(earshot::save_npy("/dev/full", values.data(), {2}));
}
