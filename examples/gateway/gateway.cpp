// earshot-gateway: machine-monitor advertisements (encrypted BTHome v2, include/earshot/radio/)
// to an MQTT broker. Every new report of a known device is published as JSON to
// earshot/<device>/state, QoS 1, retained (a new subscriber gets the last state at once).
// Corrupted, forged, foreign and replayed advertisements are dropped and counted.
//
//   earshot-gateway --devices DEVICES --state STATE --pcap CAPTURE.pcap [--host H] [--port P] [--dry-run]
//
// DEVICES: one device a line, "ADDRESS KEY NAME" (C0:11:22:33:44:55, 32 hex digits, a name of
// letters, digits, '-' and '_'), '#' starts a comment. STATE: the last counter accepted from
// each device, "NAME COUNTER" lines, read at start and rewritten after every acknowledged
// publication, so that a restarted gateway publishes nothing twice. --dry-run prints what it
// would publish instead, and keeps STATE as it is. Captures: LINKTYPE_BLUETOOTH_LE_LL pcap (pcap_file.hpp); on a Linux
// gateway, record one with a BLE sniffer, or feed BlueZ's reports in that form.
#include <mosquitto.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "advertisement_decoder.hpp"
#include "device_list.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options = {{"--host", "127.0.0.1"}, {"--port", "1883"}};
  bool dry_run = false;
  for (int i = 1; i < argc; ++i) {
    const std::string name = argv[i];
    if (name == "--dry-run") {
      dry_run = true;
    } else if ((name == "--devices" || name == "--state" || name == "--pcap" || name == "--host" || name == "--port") &&
               i + 1 < argc) {
      options[name] = argv[++i];
    } else {
      return fail("unknown option or missing value '" + name + "' (usage: earshot-gateway --devices DEVICES --state "
                  "STATE --pcap CAPTURE.pcap [--host H] [--port P] [--dry-run])");
    }
  }
  for (const char* required : {"--devices", "--state", "--pcap"}) {
    if (options.count(required) == 0) return fail(std::string("give ") + required);
  }
  const int port = std::atoi(options["--port"].c_str());
  if (port <= 0 || port > 65535) return fail("--port must be 1-65535, got '" + options["--port"] + "'");

  std::string error;
  std::vector<gateway::Device> devices;
  std::vector<gateway::CapturedPacket> packets;
  if (!gateway::read_devices(options["--devices"], devices, error) ||
      !gateway::read_state(options["--state"], devices, error) ||
      !gateway::read_pcap(options["--pcap"], packets, error)) {
    return fail(error);
  }
  Publisher publisher;
  if (!dry_run && !publisher.connect(options["--host"], port, error)) return fail(error);

  std::map<gateway::Verdict, std::size_t> counts;
  for (const gateway::CapturedPacket& packet : packets) {
    const gateway::Decoded decoded = gateway::decode_advertisement(devices, packet.link_layer.data(), packet.link_layer.size());
    ++counts[decoded.verdict];
    if (decoded.verdict != gateway::Verdict::kNew) continue;
    const gateway::Device& device = devices[decoded.device];
    const std::string topic = "earshot/" + device.name + "/state";
    const std::string payload = report_json(device, decoded, packet.seconds);
    if (dry_run) {
      std::printf("%s %s\n", topic.c_str(), payload.c_str());
    } else if (!publisher.publish(topic, payload, error)) {
      return fail(error);
    }
    if (!dry_run && !gateway::write_state(options["--state"], devices)) return fail("cannot write the state file " + options["--state"]);
  }
  std::printf("%zu packets: %zu published, %zu repeats, %zu replays, %zu bad CRC, %zu bad MIC, %zu unknown devices, "
              "%zu other\n",
              packets.size(), counts[gateway::Verdict::kNew], counts[gateway::Verdict::kRepeat],
              counts[gateway::Verdict::kReplay], counts[gateway::Verdict::kBadCrc], counts[gateway::Verdict::kBadMic],
              counts[gateway::Verdict::kUnknownDevice], counts[gateway::Verdict::kOther]);
  return 0;
}
