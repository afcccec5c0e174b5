// earshot-gateway: machine-monitor advertisements (encrypted BTHome v2, include/earshot/radio/)
// to an MQTT broker. Every new report of a known device is published as JSON to
// earshot/<device>/state, QoS 1, retained (a new subscriber gets the last state at once).
// Corrupted, forged, foreign and replayed advertisements are dropped and counted.
//
//   earshot-gateway --devices DEVICES --state STATE (--pcap FILE | --btsnoop FILE | --bluez)
//                   [--host H] [--port P] [--dry-run]
//
// DEVICES: one device a line, "ADDRESS KEY NAME" (C0:11:22:33:44:55, 32 hex digits, a name of
// letters, digits, '-' and '_'), '#' starts a comment. STATE: the last counter accepted from
// each device, "NAME COUNTER" lines, read at start and rewritten after every acknowledged
// publication, so that a restarted gateway publishes nothing twice. --dry-run prints what it
// would publish instead, and keeps STATE as it is. Input: a sniffer's capture
// (LINKTYPE_BLUETOOTH_LE_LL pcap, pcap_file.hpp), a btsnoop file of the controller's advertising
// reports (`btmon -w FILE`), or, on a Linux gateway, those reports live from BlueZ's monitor
// channel (--bluez: root or CAP_NET_RAW; bluetoothd keeps scanning, e.g. `bluetoothctl scan on`).
#include <mosquitto.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "advertisement_decoder.hpp"
#include "device_list.hpp"
#include "hci_reports.hpp"
#include "pcap_file.hpp"

namespace gateway = earshot::gateway;
namespace radio = earshot::radio;

namespace {

constexpr int kExitBadInput = 2;

int fail(const std::string& message) {
  std::fprintf(stderr, "earshot-gateway: %s\n", message.c_str());
  return kExitBadInput;
}

std::string report_json(const gateway::Device& device, const gateway::Decoded& decoded, double seconds) {
  const radio::MachineReport& report = decoded.report;
  char text[256];
  std::snprintf(text, sizeof text,
                "{\"device\": \"%s\", \"state\": \"%s\", \"score\": %.2f, \"problem\": %s, \"running\": %s, "
                "\"counter\": %lu, \"time\": %.6f}",
                device.name.c_str(), earshot::state_name(report.state), report.score_hundredths / 100.0,
                report.state >= earshot::MachineState::kMaintenance ? "true" : "false",
                report.state != earshot::MachineState::kOff ? "true" : "false",
                static_cast<unsigned long>(decoded.counter), seconds);
  return text;
}

// A QoS 1 publisher that waits for each PUBACK.
class Publisher {
 public:
  ~Publisher() {
    if (client_ != nullptr) {
      mosquitto_disconnect(client_);
      mosquitto_destroy(client_);
    }
    mosquitto_lib_cleanup();
  }

  bool connect(const std::string& host, int port, std::string& error) {
    mosquitto_lib_init();
    client_ = mosquitto_new(nullptr, true, this);
    if (client_ == nullptr) {
      error = "cannot create an MQTT client";
      return false;
    }
    mosquitto_publish_callback_set(client_, [](mosquitto*, void* self, int) { ++static_cast<Publisher*>(self)->acknowledged_; });
    const int status = mosquitto_connect(client_, host.c_str(), port, 30);
    if (status != MOSQ_ERR_SUCCESS) {
      error = "cannot connect to the MQTT broker at " + host + ":" + std::to_string(port) + ": " +
              mosquitto_strerror(status);
      return false;
    }
    return true;
  }

  // True once the broker has acknowledged the message.
  bool publish(const std::string& topic, const std::string& payload, std::string& error) {
    const int before = acknowledged_;
    int status = mosquitto_publish(client_, nullptr, topic.c_str(), static_cast<int>(payload.size()), payload.data(), 1,
                                   true);
    for (int round = 0; status == MOSQ_ERR_SUCCESS && acknowledged_ == before; ++round) {
      if (round == 100) {  // 10 s
        error = "the MQTT broker did not acknowledge a publication within 10 s";
        return false;
      }
      status = mosquitto_loop(client_, 100, 1);
    }
    if (status != MOSQ_ERR_SUCCESS) {
      error = std::string("MQTT: ") + mosquitto_strerror(status);
      return false;
    }
    return true;
  }

 private:
  mosquitto* client_ = nullptr;
  int acknowledged_ = 0;
};

// BlueZ's monitor channel (linux/net/bluetooth/hci_sock.c): every HCI packet of every
// controller, each after a 6-byte header (opcode, controller index, length; little-endian).
// Calls on_report for each advertising report until the socket fails; false if it cannot open.
template <class OnReport>
bool monitor_bluez(std::string& error, OnReport&& on_report) {
  constexpr int kAfBluetooth = 31;
  constexpr int kBtprotoHci = 1;
  struct SockaddrHci {
    sa_family_t family;
    unsigned short device;
    unsigned short channel;
  };
  const int socket_fd = socket(kAfBluetooth, SOCK_RAW | SOCK_CLOEXEC, kBtprotoHci);
  const SockaddrHci address{kAfBluetooth, 0xFFFF /* HCI_DEV_NONE */, 2 /* HCI_CHANNEL_MONITOR */};
  if (socket_fd < 0 || bind(socket_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    error = "cannot open BlueZ's HCI monitor channel (Bluetooth in the kernel, and root or CAP_NET_RAW, are needed)";
    if (socket_fd >= 0) close(socket_fd);
    return false;
  }
  std::uint8_t buffer[1024];
  std::vector<gateway::AdvertisingReport> reports;
  for (ssize_t got; (got = read(socket_fd, buffer, sizeof buffer)) >= 6;) {
    const std::size_t length = static_cast<std::size_t>(buffer[4] | (buffer[5] << 8));
    constexpr unsigned kEventPacket = 3;
    if ((buffer[0] | (buffer[1] << 8)) != kEventPacket || length + 6 > static_cast<std::size_t>(got)) continue;
    const double seconds =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    reports.clear();
    gateway::reports_of_event(buffer + 6, length, seconds, reports);
    for (const gateway::AdvertisingReport& report : reports) {
      if (!on_report(report)) {
        close(socket_fd);
        return true;
      }
    }
  }
  error = "reading BlueZ's HCI monitor channel failed";
  close(socket_fd);
  return false;
}

int run(int argc, char** argv) {
  std::map<std::string, std::string> options = {{"--host", "127.0.0.1"}, {"--port", "1883"}};
  bool dry_run = false;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--dry-run" || name == "--bluez") {
      dry_run |= name == "--dry-run";
      options[name] = "";
    } else if ((name == "--devices" || name == "--state" || name == "--pcap" || name == "--btsnoop" || name == "--host" ||
                name == "--port") &&
               i + 1 < argc) {
      options[name] = argv[++i];
    } else {
      return fail("unknown option or missing value '" + name + "' (usage: earshot-gateway --devices DEVICES --state "
                  "STATE (--pcap FILE | --btsnoop FILE | --bluez) [--host H] [--port P] [--dry-run])");
    }
  }
  for (const char* required : {"--devices", "--state"}) {
    if (options.count(required) == 0) return fail(std::string("give ") + required);
  }
  if (options.count("--pcap") + options.count("--btsnoop") + options.count("--bluez") != 1) {
    return fail("give one input: --pcap FILE, --btsnoop FILE or --bluez");
  }
  const int port = std::atoi(options["--port"].c_str());
  if (port <= 0 || port > 65535) return fail("--port must be 1-65535, got '" + options["--port"] + "'");

  std::string error;
  std::vector<gateway::Device> devices;
  if (!gateway::read_devices(options["--devices"], devices, error) ||
      !gateway::read_state(options["--state"], devices, error)) {
    return fail(error);
  }
  std::vector<gateway::CapturedPacket> packets;
  std::vector<gateway::AdvertisingReport> reports;
  if ((options.count("--pcap") != 0 && !gateway::read_pcap(options["--pcap"], packets, error)) ||
      (options.count("--btsnoop") != 0 && !gateway::read_btsnoop(options["--btsnoop"], reports, error))) {
    return fail(error);
  }
  Publisher publisher;
  if (!dry_run && !publisher.connect(options["--host"], port, error)) return fail(error);

  std::map<gateway::Verdict, std::size_t> counts;
  std::size_t received = 0;
  // Publishes a new report; false (error set) if the broker or the state file fails.
  const auto handle = [&](const gateway::Decoded& decoded, double seconds) {
    ++received;
    ++counts[decoded.verdict];
    if (decoded.verdict != gateway::Verdict::kNew) return true;
    const gateway::Device& device = devices[decoded.device];
    const std::string topic = "earshot/" + device.name + "/state";
    const std::string payload = report_json(device, decoded, seconds);
    if (dry_run) {
      std::printf("%s %s\n", topic.c_str(), payload.c_str());
      std::fflush(stdout);
      return true;
    }
    if (!publisher.publish(topic, payload, error)) return false;
    if (gateway::write_state(options["--state"], devices)) return true;
    error = "cannot write the state file " + options["--state"];
    return false;
  };
  for (const gateway::CapturedPacket& packet : packets) {
    if (!handle(gateway::decode_advertisement(devices, packet.link_layer.data(), packet.link_layer.size()),
                packet.seconds)) {
      return fail(error);
    }
  }
  for (const gateway::AdvertisingReport& report : reports) {
    if (!handle(gateway::decode_report(devices, report.address, report.data.data(), report.data.size()), report.seconds)) {
      return fail(error);
    }
  }
  if (options.count("--bluez") != 0) {
    bool failed = false;
    const bool opened = monitor_bluez(error, [&](const gateway::AdvertisingReport& report) {
      failed = !handle(gateway::decode_report(devices, report.address, report.data.data(), report.data.size()),
                       report.seconds);
      return !failed;
    });
    if (!opened || failed) return fail(error);
  }
  std::printf("%zu received: %zu published, %zu repeats, %zu replays, %zu bad CRC, %zu bad MIC, %zu unknown devices, "
              "%zu other\n",
              received, counts[gateway::Verdict::kNew], counts[gateway::Verdict::kRepeat],
              counts[gateway::Verdict::kReplay], counts[gateway::Verdict::kBadCrc], counts[gateway::Verdict::kBadMic],
              counts[gateway::Verdict::kUnknownDevice], counts[gateway::Verdict::kOther]);
  return 0;
}

}  // namespace

// Every input problem is a line of its own; an exception (a bug, or memory running out) is one
// too, and exit code 2, never std::terminate's abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& problem) {
    return fail(std::string("unexpected error: ") + problem.what());
  }
}
