// pcap files of Bluetooth LE link-layer packets, LINKTYPE_BLUETOOTH_LE_LL (251,
// tcpdump.org/linktypes.html): access address, PDU and CRC as on air, de-whitened. The classic
// format, little-endian, microsecond timestamps: what Wireshark, tshark and the radio tests read
// and write. Host code (std::FILE), for the gateway and its tests.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace earshot::gateway {

inline constexpr std::uint32_t kLinktypeBluetoothLeLl = 251;

struct CapturedPacket {
  double seconds = 0.0;  // capture time
  std::vector<std::uint8_t> link_layer;
};

class PcapWriter {
 public:
  // False (and `error` set) if the file cannot be created.
  bool open(const std::string& path, std::string& error) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) {
      error = "cannot write " + path;
      return false;
    }
    put_u32(0xa1b2c3d4);  // magic: microsecond timestamps
    put_u16(2);           // version 2.4
    put_u16(4);
    put_u32(0);  // GMT offset
    put_u32(0);  // timestamp accuracy
    put_u32(65535);
    put_u32(kLinktypeBluetoothLeLl);
    return true;
  }

  void write(double seconds, const std::uint8_t* link_layer, std::size_t size) {
    const auto microseconds = static_cast<std::uint64_t>(seconds * 1e6 + 0.5);
    put_u32(static_cast<std::uint32_t>(microseconds / 1000000));
    put_u32(static_cast<std::uint32_t>(microseconds % 1000000));
    put_u32(static_cast<std::uint32_t>(size));
    put_u32(static_cast<std::uint32_t>(size));
    std::fwrite(link_layer, 1, size, file_);
  }

  // False if the data could not all be written.
  bool close() {
    const bool ok = file_ != nullptr && std::ferror(file_) == 0;
    const bool closed = file_ != nullptr && std::fclose(file_) == 0;
    file_ = nullptr;
    return ok && closed;
  }

  ~PcapWriter() {
    if (file_ != nullptr) std::fclose(file_);
  }

 private:
  void put_u16(std::uint16_t value) {
    const std::uint8_t bytes[2] = {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8)};
    std::fwrite(bytes, 1, 2, file_);
  }
  void put_u32(std::uint32_t value) {
    const std::uint8_t bytes[4] = {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
                                   static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)};
    std::fwrite(bytes, 1, 4, file_);
  }

  std::FILE* file_ = nullptr;
};

// The whole file; false with `error` set if it cannot be opened or read.
inline bool read_file_bytes(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    error = "cannot open " + path;
    return false;
  }
  bytes.clear();
  std::uint8_t chunk[4096];
  for (std::size_t got; (got = std::fread(chunk, 1, sizeof chunk, file)) > 0;) bytes.insert(bytes.end(), chunk, chunk + got);
  const bool ok = std::ferror(file) == 0;
  std::fclose(file);
  if (!ok) error = "cannot read " + path;
  return ok;
}

// The packets of a whole capture (`path` names it in errors); false with `error` naming the
// problem (not pcap, another link type, a truncated record).
inline bool parse_pcap(const std::vector<std::uint8_t>& bytes, const std::string& path,
                       std::vector<CapturedPacket>& packets, std::string& error) {
  const auto u32 = [&](std::size_t at) {
    return static_cast<std::uint32_t>(bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) |
                                      (static_cast<std::uint32_t>(bytes[at + 3]) << 24));
  };
  if (bytes.size() < 24 || u32(0) != 0xa1b2c3d4) {
    error = path + ": not a little-endian pcap file with microsecond timestamps";
    return false;
  }
  if (u32(20) != kLinktypeBluetoothLeLl) {
    error = path + ": link type " + std::to_string(u32(20)) + ", expected 251 (LINKTYPE_BLUETOOTH_LE_LL)";
    return false;
  }
  packets.clear();
  for (std::size_t at = 24; at < bytes.size();) {
    if (at + 16 > bytes.size()) {
      error = path + ": truncated record header at byte " + std::to_string(at);
      return false;
    }
    const std::uint32_t size = u32(at + 8);
    if (size > 65535 || at + 16 + size > bytes.size()) {
      error = path + ": truncated record at byte " + std::to_string(at);
      return false;
    }
    CapturedPacket packet;
    packet.seconds = u32(at) + u32(at + 4) * 1e-6;
    packet.link_layer.assign(bytes.begin() + static_cast<long>(at + 16), bytes.begin() + static_cast<long>(at + 16 + size));
    packets.push_back(std::move(packet));
    at += 16 + size;
  }
  return true;
}

inline bool read_pcap(const std::string& path, std::vector<CapturedPacket>& packets, std::string& error) {
  std::vector<std::uint8_t> bytes;
  return read_file_bytes(path, bytes, error) && parse_pcap(bytes, path, packets, error);
}

}  // namespace earshot::gateway
