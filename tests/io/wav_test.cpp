// earshot/io/wav.hpp against WAV files built byte by byte from the RIFF layout (values checked
// by hand) and against real files decoded by soundfile (tests/data/io/make_reference.py).
#include "earshot/io/wav.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "earshot/io/npy.hpp"
#include "io/wav_builder.hpp"
#include "support/allocation_guard.hpp"

namespace {

using earshot::WavError;
using earshot::WavSampleFormat;
using earshot::test::Bytes;
using earshot::test::put_le;

constexpr std::uint16_t kPcm = 1;
constexpr std::uint16_t kFloat = 3;

// The parsed file is a view into the bytes, so they must outlive it: no temporaries.
earshot::WavParseResult parse(const Bytes& bytes) {
  return earshot::parse_wav(bytes.data(), bytes.size());
}
earshot::WavParseResult parse(const Bytes&& bytes) = delete;

std::vector<float> read_all(const earshot::WavFile& file) {
  std::vector<float> samples(file.frame_count);
  REQUIRE(file.read_mono(0, samples.data(), samples.size()) == file.frame_count);
  return samples;
}

Bytes int_samples(const std::vector<std::int64_t>& values, int bytes_per_sample) {
  Bytes data;
  for (const std::int64_t value : values) {
    put_le(data, static_cast<std::uint64_t>(value), bytes_per_sample);
  }
  return data;
}

Bytes float_samples(const std::vector<float>& values) {
  Bytes data;
  for (const float value : values) {
    std::uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    put_le(data, bits, 4);
  }
  return data;
}

WavError error_of(const Bytes& bytes) {
  return parse(bytes).error;
}

}  // namespace

TEST_CASE("16-bit PCM samples are divided by 32768") {
  const Bytes bytes = earshot::test::wav_file(earshot::test::fmt_body(kPcm, 1, 8000, 16),
                                              int_samples({0, 1, -1, 16384, -32768, 32767}, 2));
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  CHECK(result.file.sample_rate == 8000);
  CHECK(result.file.channels == 1);
  CHECK(result.file.sample_format == WavSampleFormat::kInt16);
  CHECK(result.file.frame_count == 6);
  const std::vector<float> expected = {0.0f, 1.0f / 32768, -1.0f / 32768,
                                       0.5f, -1.0f,        32767.0f / 32768};
  CHECK(read_all(result.file) == expected);
}

TEST_CASE("24-bit PCM samples are sign-extended and divided by 8388608") {
  const Bytes bytes =
      earshot::test::wav_file(earshot::test::fmt_body(kPcm, 1, 16000, 24),
                              int_samples({0x7FFFFF, -0x800000, 1, -1, 0x400000}, 3));
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  CHECK(result.file.sample_format == WavSampleFormat::kInt24);
  const std::vector<float> expected = {8388607.0f / 8388608, -1.0f, 1.0f / 8388608, -1.0f / 8388608,
                                       0.5f};
  CHECK(read_all(result.file) == expected);
}

TEST_CASE("32-bit PCM samples are divided by 2147483648") {
  const Bytes bytes =
      earshot::test::wav_file(earshot::test::fmt_body(kPcm, 1, 16000, 32),
                              int_samples({-2147483648LL, 1 << 30, -(1 << 30), 0, 2147483647}, 4));
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  CHECK(result.file.sample_format == WavSampleFormat::kInt32);
  // 2147483647 / 2^31 = 0.99999999953..., whose nearest float32 is 1.
  const std::vector<float> expected = {-1.0f, 0.5f, -0.5f, 0.0f, 1.0f};
  CHECK(read_all(result.file) == expected);
}

TEST_CASE("32-bit float samples are read unchanged") {
  const std::vector<float> values = {0.25f, -1.5f, 1e-30f, 3.0e38f};
  const Bytes bytes =
      earshot::test::wav_file(earshot::test::fmt_body(kFloat, 1, 22050, 32), float_samples(values));
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  CHECK(result.file.sample_format == WavSampleFormat::kFloat32);
  CHECK(result.file.sample_rate == 22050);
  CHECK(read_all(result.file) == values);
}

TEST_CASE("stereo and multichannel frames are averaged") {
  SECTION("two channels") {
    const Bytes bytes =
        earshot::test::wav_file(earshot::test::fmt_body(kPcm, 2, 8000, 16),
                                int_samples({16384, -16384, 16384, 16384, 32767, -32768}, 2));
    const auto result = parse(bytes);
    REQUIRE(result.ok());
    CHECK(result.file.frame_count == 3);
    CHECK(read_all(result.file) == std::vector<float>{0.0f, 0.5f, -1.0f / 65536});
  }
  SECTION("three channels") {
    const Bytes bytes = earshot::test::wav_file(earshot::test::fmt_body(kPcm, 3, 8000, 16),
                                                int_samples({3000, 6000, 9000}, 2));
    const auto result = parse(bytes);
    REQUIRE(result.ok());
    CHECK(read_all(result.file) == std::vector<float>{6000.0f / 32768});
  }
}

TEST_CASE("WAVE_FORMAT_EXTENSIBLE with PCM and float subformats") {
  SECTION("24-bit PCM stereo") {
    const Bytes bytes =
        earshot::test::wav_file(earshot::test::extensible_fmt_body(kPcm, 2, 48000, 24),
                                int_samples({0x400000, 0x200000}, 3));
    const auto result = parse(bytes);
    REQUIRE(result.ok());
    CHECK(result.file.sample_format == WavSampleFormat::kInt24);
    CHECK(read_all(result.file) == std::vector<float>{0.375f});
  }
  SECTION("32-bit float mono") {
    const Bytes bytes = earshot::test::wav_file(
        earshot::test::extensible_fmt_body(kFloat, 1, 16000, 32), float_samples({-0.125f}));
    const auto result = parse(bytes);
    REQUIRE(result.ok());
    CHECK(result.file.sample_format == WavSampleFormat::kFloat32);
    CHECK(read_all(result.file) == std::vector<float>{-0.125f});
  }
}

TEST_CASE("unknown chunks are skipped, odd-sized ones with their pad byte") {
  Bytes chunks;
  earshot::test::put_chunk(chunks, "JUNK", Bytes{1, 2, 3, 4});
  earshot::test::put_chunk(chunks, "fmt ", earshot::test::fmt_body(kPcm, 1, 8000, 16));
  earshot::test::put_chunk(chunks, "LIST", Bytes{'a', 'b', 'c'});  // size 3 + pad byte
  earshot::test::put_chunk(chunks, "fact", int_samples({2}, 4));
  earshot::test::put_chunk(chunks, "data", int_samples({8192, -8192}, 2));
  const Bytes bytes = earshot::test::riff_wave(chunks);
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  CHECK(read_all(result.file) == std::vector<float>{0.25f, -0.25f});
}

TEST_CASE("an odd-sized data chunk (24-bit mono, odd frame count) is read without its pad") {
  Bytes chunks;
  earshot::test::put_chunk(chunks, "fmt ", earshot::test::fmt_body(kPcm, 1, 8000, 24));
  earshot::test::put_chunk(chunks, "data", int_samples({0x400000}, 3));
  earshot::test::put_chunk(chunks, "LIST", Bytes{'x', 'y'});
  const Bytes bytes = earshot::test::riff_wave(chunks);
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  CHECK(read_all(result.file) == std::vector<float>{0.5f});
}

TEST_CASE("a fmt chunk after the data chunk is found") {
  Bytes chunks;
  earshot::test::put_chunk(chunks, "data", int_samples({-16384}, 2));
  earshot::test::put_chunk(chunks, "fmt ", earshot::test::fmt_body(kPcm, 1, 8000, 16));
  const Bytes bytes = earshot::test::riff_wave(chunks);
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  CHECK(read_all(result.file) == std::vector<float>{-0.5f});
}

TEST_CASE("reading in blocks gives the same samples as one call, then stops at the end") {
  const Bytes bytes = earshot::test::wav_file(earshot::test::fmt_body(kPcm, 1, 8000, 16),
                                              int_samples({1, 2, 3, 4, 5, 6, 7}, 2));
  const auto result = parse(bytes);
  REQUIRE(result.ok());
  const std::vector<float> whole = read_all(result.file);
  std::vector<float> blocks;
  float block[3];
  std::size_t position = 0;
  std::vector<std::size_t> counts;
  while (std::size_t count = result.file.read_mono(position, block, 3)) {
    counts.push_back(count);
    blocks.insert(blocks.end(), block, block + count);
    position += count;
  }
  CHECK(counts == std::vector<std::size_t>{3, 3, 1});
  CHECK(blocks == whole);
  CHECK(result.file.read_mono(100, block, 3) == 0);
}

TEST_CASE("a header parsed from the first bytes lets blocks read from the file decode as the whole file does") {
  // 24-bit stereo after a JUNK chunk: the data starts at 12 + 12 + 24 + 8 = 56; 5 frames of 6 bytes.
  Bytes chunks;
  earshot::test::put_chunk(chunks, "JUNK", Bytes{1, 2, 3, 4});
  earshot::test::put_chunk(chunks, "fmt ", earshot::test::fmt_body(kPcm, 2, 8000, 24));
  earshot::test::put_chunk(chunks, "data", int_samples({0x400000, 0, -0x400000, 0x200000, 1, 2, 3, 4, 5, 6}, 3));
  const Bytes bytes = earshot::test::riff_wave(chunks);
  const auto whole = parse(bytes);
  REQUIRE(whole.ok());
  const auto header = earshot::parse_wav_header(bytes.data(), 56, bytes.size());
  REQUIRE(header.ok());
  CHECK(header.file.data_offset == 56);
  CHECK(header.file.frame_count == 5);
  CHECK(header.file.data == nullptr);  // the first sample is not within the 56 bytes given
  CHECK(earshot::parse_wav_header(bytes.data(), 57, bytes.size()).file.data == bytes.data() + 56);
  std::vector<float> blocks;
  for (std::size_t frame = 0; frame < 5; frame += 2) {  // blocks of 2, 2 and 1 frames, as a reader gets them
    const Bytes block(bytes.begin() + 56 + frame * 6, bytes.begin() + 56 + std::min<std::size_t>(frame + 2, 5) * 6);
    earshot::WavFile view = header.file;
    view.data = block.data();
    view.frame_count = block.size() / 6;
    std::vector<float> out(view.frame_count);
    CHECK(view.read_mono(0, out.data(), out.size()) == out.size());
    blocks.insert(blocks.end(), out.begin(), out.end());
  }
  CHECK(blocks == read_all(whole.file));
  CHECK(blocks[0] == 0.25f);  // (0.5 + 0) / 2, by hand

  SECTION("chunks beyond the bytes given are reported as such") {
    CHECK(earshot::parse_wav_header(bytes.data(), 30, bytes.size()).error == WavError::kHeaderBeyondBytes);
    CHECK(earshot::parse_wav_header(bytes.data(), 50, bytes.size()).error == WavError::kHeaderBeyondBytes);
  }
  SECTION("a data chunk longer than the file is truncation; with the size unknown (a pipe) it is not") {
    CHECK(earshot::parse_wav_header(bytes.data(), 56, bytes.size() - 1).error == WavError::kTruncated);
    const auto pipe = earshot::parse_wav_header(bytes.data(), 56, SIZE_MAX);
    REQUIRE(pipe.ok());
    CHECK(pipe.file.frame_count == 5);
  }
}

TEST_CASE("parsing and converting allocate nothing") {
  const Bytes bytes = earshot::test::wav_file(earshot::test::fmt_body(kPcm, 2, 8000, 16),
                                              int_samples({1, 2, 3, 4}, 2));
  float samples[2] = {};
  {
    earshot::test::ForbidAllocations forbid;
    const auto result = parse(bytes);
    REQUIRE(result.ok());
    CHECK(result.file.read_mono(0, samples, 2) == 2);
  }
  CHECK(earshot::test::forbidden_allocation_count() == 0);
}

TEST_CASE("malformed files are reported, not read") {
  using earshot::test::fmt_body;
  using earshot::test::wav_file;
  const Bytes good_data = int_samples({1, 2}, 2);
  const Bytes good = wav_file(fmt_body(kPcm, 1, 8000, 16), good_data);

  CHECK(error_of({}) == WavError::kNotRiff);
  CHECK(error_of({'R', 'I', 'F'}) == WavError::kNotRiff);
  Bytes rifx = good;
  rifx[3] = 'X';
  CHECK(error_of(rifx) == WavError::kNotRiff);
  Bytes avi = good;
  std::memcpy(&avi[8], "AVI ", 4);
  CHECK(error_of(avi) == WavError::kNotWave);
  CHECK(error_of(Bytes(good.begin(), good.begin() + 8)) == WavError::kNotWave);

  Bytes only_data;
  earshot::test::put_chunk(only_data, "data", good_data);
  CHECK(error_of(earshot::test::riff_wave(only_data)) == WavError::kNoFmt);
  Bytes only_fmt;
  earshot::test::put_chunk(only_fmt, "fmt ", fmt_body(kPcm, 1, 8000, 16));
  CHECK(error_of(earshot::test::riff_wave(only_fmt)) == WavError::kNoData);

  SECTION("a data chunk shorter than declared is truncated") {
    // Cut the file inside the data chunk, as an interrupted copy would.
    CHECK(error_of(Bytes(good.begin(), good.end() - 1)) == WavError::kTruncated);
    Bytes chunks;
    earshot::test::put_chunk(chunks, "fmt ", fmt_body(kPcm, 1, 8000, 16));
    earshot::test::put_chunk(chunks, "data", good_data, 1000);
    CHECK(error_of(earshot::test::riff_wave(chunks)) == WavError::kTruncated);
  }
  SECTION("a fmt chunk that is too short or cut off is truncated") {
    Bytes short_fmt = fmt_body(kPcm, 1, 8000, 16);
    short_fmt.resize(14);
    CHECK(error_of(wav_file(short_fmt, good_data)) == WavError::kTruncated);
    CHECK(error_of(Bytes(good.begin(), good.begin() + 30)) == WavError::kTruncated);
    Bytes extensible = earshot::test::extensible_fmt_body(kPcm, 1, 8000, 16);
    extensible.resize(24);
    CHECK(error_of(wav_file(extensible, good_data)) == WavError::kTruncated);
  }
  SECTION("a data chunk that is not a whole number of frames") {
    CHECK(error_of(wav_file(fmt_body(kPcm, 2, 8000, 16), int_samples({1, 2, 3}, 2))) ==
          WavError::kPartialFrame);
  }
  SECTION("impossible fmt fields") {
    CHECK(error_of(wav_file(fmt_body(kPcm, 0, 8000, 16), good_data)) == WavError::kZeroChannels);
    CHECK(error_of(wav_file(fmt_body(kPcm, 1, 0, 16), good_data)) == WavError::kZeroSampleRate);
    CHECK(error_of(wav_file(fmt_body(kPcm, 1, 8000, 16, 4), good_data)) ==
          WavError::kBlockAlignMismatch);
  }
  SECTION("unsupported encodings say which") {
    CHECK(error_of(wav_file(fmt_body(kPcm, 1, 8000, 8), good_data)) ==
          WavError::kUnsupported8BitPcm);
    CHECK(error_of(wav_file(fmt_body(kPcm, 1, 8000, 12), good_data)) ==
          WavError::kUnsupportedPcmDepth);
    CHECK(error_of(wav_file(fmt_body(kFloat, 1, 8000, 64), good_data)) ==
          WavError::kUnsupported64BitFloat);
    CHECK(error_of(wav_file(fmt_body(kFloat, 1, 8000, 16), good_data)) ==
          WavError::kUnsupportedFloatDepth);
    CHECK(error_of(wav_file(fmt_body(6, 1, 8000, 8), good_data)) == WavError::kUnsupportedALaw);
    CHECK(error_of(wav_file(fmt_body(7, 1, 8000, 8), good_data)) == WavError::kUnsupportedMuLaw);
    CHECK(error_of(wav_file(fmt_body(2, 1, 8000, 4), good_data)) == WavError::kUnsupportedAdpcm);
    CHECK(error_of(wav_file(fmt_body(0x11, 1, 8000, 4), good_data)) == WavError::kUnsupportedAdpcm);
    CHECK(error_of(wav_file(fmt_body(0x55, 1, 8000, 0), good_data)) ==
          WavError::kUnsupportedEncoding);
    CHECK(error_of(wav_file(earshot::test::extensible_fmt_body(6, 1, 8000, 8), good_data)) ==
          WavError::kUnsupportedSubFormat);
    CHECK(error_of(wav_file(earshot::test::extensible_fmt_body(kPcm, 1, 8000, 16, 0x72),
                            good_data)) == WavError::kUnsupportedSubFormat);
    CHECK(error_of(wav_file(earshot::test::extensible_fmt_body(kPcm, 1, 8000, 8), good_data)) ==
          WavError::kUnsupported8BitPcm);
    CHECK(
        std::string(earshot::wav_error_message(WavError::kUnsupported8BitPcm)).find("8-bit PCM") !=
        std::string::npos);
    CHECK(std::string(earshot::wav_error_message(WavError::kUnsupportedALaw)).find("A-law") !=
          std::string::npos);
    CHECK(std::string(earshot::wav_error_message(WavError::kUnsupported64BitFloat))
              .find("64-bit float") != std::string::npos);
  }
}

// Every prefix of a valid file and every single-byte corruption of it either fails with an
// error or parses to samples that lie inside the bytes, which are then all read. Each case gets
// its own exactly-sized copy, so AddressSanitizer (the asan preset) sees any read past the end.
TEST_CASE("cut or corrupted files never make the parser read outside the bytes") {
  Bytes chunks;
  earshot::test::put_chunk(chunks, "LIST", Bytes{'I', 'N', 'F', 'O', 'x'});  // odd: a pad byte
  earshot::test::put_chunk(chunks, "fmt ", earshot::test::extensible_fmt_body(kPcm, 2, 8000, 24));
  earshot::test::put_chunk(chunks, "data", int_samples({1, -2, 3, -4, 5, -6}, 3));
  const Bytes good = earshot::test::riff_wave(chunks);
  REQUIRE(parse(good).ok());
  REQUIRE(parse(good).file.frame_count == 3);

  const auto check = [](const Bytes& bytes) {
    const auto result = parse(bytes);
    if (!result.ok()) return;
    const earshot::WavFile& file = result.file;
    const std::size_t block_align = static_cast<std::size_t>(file.channels) * file.bytes_per_sample;
    REQUIRE(file.data >= bytes.data());
    REQUIRE(file.data + file.frame_count * block_align <= bytes.data() + bytes.size());
    std::vector<float> samples(file.frame_count);
    CHECK(file.read_mono(0, samples.data(), samples.size()) == file.frame_count);
  };
  for (std::size_t size = 0; size < good.size(); ++size) {
    check(Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size)));
  }
  for (std::size_t position = 0; position < good.size(); ++position) {
    for (const int flip : {0x01, 0x80, 0xFF}) {
      Bytes corrupted = good;
      corrupted[position] = static_cast<std::uint8_t>(corrupted[position] ^ flip);
      check(corrupted);
    }
  }
  // The header alone, from every prefix of the file (the whole file's size known, or a pipe's):
  // an error, or a data offset and frame count, and never a read past the prefix.
  for (std::size_t available = 0; available <= good.size(); ++available) {
    const Bytes prefix(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(available));
    for (const std::size_t file_size : {good.size(), static_cast<std::size_t>(SIZE_MAX)}) {
      const auto result = earshot::parse_wav_header(prefix.data(), prefix.size(), file_size);
      if (!result.ok()) continue;
      CHECK(result.file.data_offset == 82);  // 12 + LIST 8 + 5 + pad + fmt 8 + 40 + data header 8
      CHECK(result.file.frame_count == 3);
    }
  }
}

TEST_CASE("every error has its own one-line message") {
  std::vector<std::string> seen;
  for (int code = 0; code <= static_cast<int>(WavError::kHeaderBeyondBytes); ++code) {
    const std::string message = earshot::wav_error_message(static_cast<WavError>(code));
    CHECK_FALSE(message.empty());
    CHECK(message.find('\n') == std::string::npos);
    for (const std::string& other : seen) CHECK(message != other);
    seen.push_back(message);
  }
}

TEST_CASE("real files decode exactly as soundfile decodes them") {
  const char* names[] = {"5_yweweler_1", "9_george_3", "stereo_pcm24", "three_channel_float"};
  for (const char* name : names) {
    INFO(name);
    const std::string stem = std::string(EARSHOT_TEST_DATA_DIR) + "/io/" + name;
    const Bytes bytes = earshot::test::read_file_bytes(stem + ".wav");
    const auto result = parse(bytes);
    REQUIRE(result.ok());
    const earshot::NpyReadResult reference = earshot::load_npy(stem + ".npy");
    REQUIRE(reference.ok());
    REQUIRE(reference.array.shape == std::vector<std::size_t>{result.file.frame_count});
    CHECK(read_all(result.file) == reference.array.values);
  }
}
