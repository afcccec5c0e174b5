// The gateway's files: the devices it has keys for ("ADDRESS KEY NAME" lines) and the last
// counter it accepted from each ("NAME COUNTER" lines), with one-line errors naming the file
// and line.
#pragma once

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <istream>
#include <sstream>
#include <string>
#include <vector>

#include "advertisement_decoder.hpp"

namespace earshot::gateway {

inline bool parse_hex(const std::string& text, std::uint8_t* out, std::size_t size) {
  if (text.size() != 2 * size) return false;
  for (std::size_t i = 0; i < size; ++i) {
    const std::string pair = text.substr(2 * i, 2);
    if (!std::isxdigit(static_cast<unsigned char>(pair[0])) || !std::isxdigit(static_cast<unsigned char>(pair[1]))) {
      return false;
    }
    out[i] = static_cast<std::uint8_t>(std::strtoul(pair.c_str(), nullptr, 16));
  }
  return true;
}

// "C0:11:22:33:44:55" (most significant byte first, as written) to the address bytes on air.
inline bool parse_address(const std::string& text, radio::DeviceAddress& address) {
  if (text.size() != 17) return false;
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2) {
      if (text[i] != ':') return false;
    } else {
      digits += text[i];
    }
  }
  std::uint8_t written[6];
  if (!parse_hex(digits, written, 6)) return false;
  for (std::size_t i = 0; i < 6; ++i) address.bytes[i] = written[5 - i];
  return true;
}

inline bool valid_name(const std::string& name) {
  if (name.empty()) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// The devices of a devices file's text (`path` names it in errors).
inline bool parse_devices(std::istream& file, const std::string& path, std::vector<Device>& devices, std::string& error) {
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    std::string address_text, key_text, name, extra;
    if (!(fields >> address_text)) continue;  // blank or comment
    radio::DeviceAddress address;
    radio::AesKey key{};
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (!(fields >> key_text >> name) || (fields >> extra)) {
      error = where + "expected ADDRESS KEY NAME";
    } else if (!parse_address(address_text, address)) {
      error = where + "'" + address_text + "' is not an address like C0:11:22:33:44:55";
    } else if (!parse_hex(key_text, key.data(), key.size())) {
      error = where + "the key must be 32 hex digits (16 bytes)";
    } else if (!valid_name(name)) {
      error = where + "'" + name + "': a device name is letters, digits, '-' and '_' (it becomes an MQTT topic level)";
    }
    for (const Device& other : devices) {
      if (error.empty() && (other.name == name || other.address.bytes == address.bytes)) {
        error = where + "device '" + name + "' or its address is listed twice";
      }
    }
    if (!error.empty()) return false;
    devices.push_back(Device{address, radio::Aes128(key), name, {}});
  }
  if (devices.empty()) error = path + ": no devices";
  return error.empty();
}

inline bool read_devices(const std::string& path, std::vector<Device>& devices, std::string& error) {
  std::ifstream file(path);
  if (!file) {
    error = "cannot open the devices file " + path;
    return false;
  }
  return parse_devices(file, path, devices, error);
}

// The last accepted counters of a state file's text (`path` names it in errors).
inline bool parse_state(std::istream& file, const std::string& path, std::vector<Device>& devices, std::string& error) {
  std::string name;
  unsigned long long counter = 0;
  while (file >> name >> counter) {
    for (Device& device : devices) {
      if (device.name == name && counter <= 0xFFFFFFFFull) device.counters.restore(static_cast<std::uint32_t>(counter));
    }
  }
  if (!file.eof()) {
    error = "the state file " + path + " is not NAME COUNTER lines";
    return false;
  }
  return true;
}

inline bool read_state(const std::string& path, std::vector<Device>& devices, std::string& error) {
  std::ifstream file(path);
  if (!file) return true;  // the first run: nothing accepted yet
  return parse_state(file, path, devices, error);
}

// Written to a temporary file, then renamed over the old one: a crash leaves one or the other.
inline bool write_state(const std::string& path, const std::vector<Device>& devices) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::trunc);
    for (const Device& device : devices) {
      if (device.counters.seen()) file << device.name << ' ' << device.counters.last() << '\n';
    }
    if (!file.flush()) return false;
  }
  return std::rename(temporary.c_str(), path.c_str()) == 0;
}

}  // namespace earshot::gateway
