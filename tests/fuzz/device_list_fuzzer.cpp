// The gateway's files (examples/gateway/device_list.hpp): the input, split at its first NUL, as
// a devices file and a state file. Each is read or refused with one line naming the file; the
// devices read have distinct names and addresses, and a state file read after them changes no
// device list.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "device_list.hpp"
#include "fuzz_check.hpp"

using earshot::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t split = text.find('\0');
  std::istringstream devices_file(text.substr(0, split));
  std::vector<earshot::gateway::Device> devices;
  std::string error;
  if (!earshot::gateway::parse_devices(devices_file, "devices", devices, error)) {
    earshot::fuzz::require_one_line(error, "a devices error is one line");
    require(error.rfind("devices", 0) == 0, "a devices error names the file");
    return 0;
  }
  require(!devices.empty(), "a devices file read lists a device");
  for (std::size_t a = 0; a < devices.size(); ++a) {
    require(earshot::gateway::valid_name(devices[a].name), "a device name is a valid topic level");
    for (std::size_t b = a + 1; b < devices.size(); ++b) {
      require(devices[a].name != devices[b].name && devices[a].address.bytes != devices[b].address.bytes,
              "names and addresses are distinct");
    }
  }
  if (split == std::string::npos) return 0;
  std::istringstream state_file(text.substr(split + 1));
  const std::size_t count = devices.size();
  if (!earshot::gateway::parse_state(state_file, "state", devices, error)) {
    earshot::fuzz::require_one_line(error, "a state error is one line");
  }
  require(devices.size() == count, "a state file adds or removes no device");
  return 0;
}
