#!/usr/bin/env python3
"""The gateway end to end. The machine monitor's state changes on the bundled clips (`earshot
stream --model machine-monitor --json`, clip after clip) become a capture of encrypted
advertisements (earshot-gateway-write-session: three copies of each, plus a corrupted CRC, a
forged MIC and a replay), and into a btsnoop file of the same session as BlueZ would receive it
(LE Advertising Report events, no corrupted copy). Then:
  * the gateway, dry run, on each: every state change published once and in order; the counts
    of repeats (2 per report), replays, bad CRCs (pcap only) and bad MICs (1 each);
  * with a broker on 127.0.0.1:1883: a subscriber receives exactly those messages, in order,
    QoS 1; a restarted gateway on the same capture publishes nothing, and a new subscriber
    gets only the retained last state.
Without a broker the second half is skipped (exit 77) unless EARSHOT_REQUIRE_MQTT is set.

    check_gateway.py EARSHOT WRITE_SESSION GATEWAY CLIPS WORK"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

ADDRESS = "C0:11:22:33:44:55"
KEY = "000102030405060708090a0b0c0d0e0f"
OTHER_KEY = "0f0e0d0c0b0a09080706050403020100"


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
    if done.returncode != 0:
        sys.exit(f"{command[0]} exited with {done.returncode}: {done.stderr.strip()}")
    return done.stdout


def broker_up():
    try:
        with socket.create_connection(("127.0.0.1", 1883), timeout=1):
            return True
    except OSError:
        return False


def main():
    earshot, write_session, gateway, clips, work = sys.argv[1:6]
    events, offset = [], 0.0
    for name in sorted(n for n in os.listdir(clips) if n.endswith(".wav")):
        for line in run([earshot, "stream", "--model", "machine-monitor", "--json", os.path.join(clips, name)]).splitlines():
            event = json.loads(line)
            events.append((offset + event["time"], event["state"], event["score"]))
        offset += 10.0
    expected = [state for _, state, _ in events]
    capture, snoop, devices, state = (os.path.join(work, n) for n in ("session.pcap", "session.btsnoop", "devices.txt",
                                                                       "gateway.state"))
    run([write_session, "--address", ADDRESS, "--key", KEY, "--other-key", OTHER_KEY, "--output", capture,
         "--btsnoop", snoop],
        input="".join(f"{t:.4f} {s} {score}\n" for t, s, score in events))
    tshark = shutil.which("tshark")
    if tshark:  # Wireshark's dissectors read both files as what they claim to be
        fields = lambda path, *names: [line.split("\t") for line in run(
            [tshark, "-r", path, "-T", "fields"] + [a for n in names for a in ("-e", n)]).splitlines()]
        snooped = fields(snoop, "bthci_evt.bd_addr", "btcommon.eir_ad.entry.uuid_16")
        sniffed = fields(capture, "btle.advertising_address", "btcommon.eir_ad.entry.uuid_16", "btle.crc.incorrect")
        if snooped != [[ADDRESS.lower(), "0xfcd2"]] * (3 * len(events) + 2):
            sys.exit(f"tshark reads the btsnoop file as {snooped[:3]}...")
        if [row[:2] for row in sniffed] != [[ADDRESS.lower(), "0xfcd2"]] * (3 * len(events) + 3) or \
                sum(row[2:] == ["1"] for row in sniffed) != 1:
            sys.exit(f"tshark reads the pcap as {sniffed[:4]}...")
        print(f"tshark: {len(snooped)} LE Advertising Reports in the btsnoop file, {len(sniffed)} packets in the pcap, "
              "one with an incorrect CRC")
    name = f"motor-{os.getpid()}"
    with open(devices, "w") as f:
        f.write(f"# address key name\n{ADDRESS} {KEY} {name}\n")
    problems = []
    n = len(events)
    summary = f"{3 * n + 3} received: {n} published, {2 * n} repeats, 1 replays, 1 bad CRC, 1 bad MIC, 0 unknown devices, 0 other"

    if os.path.exists(state):
        os.remove(state)
    dry = run([gateway, "--devices", devices, "--state", state, "--pcap", capture, "--dry-run"]).splitlines()
    published = [json.loads(line.split(" ", 1)[1]) for line in dry[:-1]]
    if [p["state"] for p in published] != expected:
        problems.append(f"dry run published {[p['state'] for p in published]}, expected {expected}")
    if dry[-1] != summary:
        problems.append(f"dry run: '{dry[-1]}', expected '{summary}'")
    if os.path.exists(state):
        problems.append("a dry run wrote the state file")
    print(f"{n} state changes; dry run: {dry[-1]}")
    # The same session as a controller reports it to BlueZ (btmon -w): no corrupted copy.
    reported = run([gateway, "--devices", devices, "--state", state, "--btsnoop", snoop, "--dry-run"]).splitlines()
    if [json.loads(line.split(" ", 1)[1])["state"] for line in reported[:-1]] != expected:
        problems.append(f"btsnoop: published {reported[:-1]}")
    snoop_summary = f"{3 * n + 2} received: {n} published, {2 * n} repeats, 1 replays, 0 bad CRC, 1 bad MIC, 0 unknown devices, 0 other"
    if reported[-1] != snoop_summary:
        problems.append(f"btsnoop: '{reported[-1]}', expected '{snoop_summary}'")
    print(f"btsnoop (BlueZ's reports): {reported[-1]}")

    if not broker_up():
        if os.environ.get("EARSHOT_REQUIRE_MQTT"):
            problems.append("no MQTT broker on 127.0.0.1:1883 (EARSHOT_REQUIRE_MQTT is set)")
        else:
            print("no MQTT broker on 127.0.0.1:1883: the MQTT half is skipped")
            return 1 if problems else 77
    else:
        topic = f"earshot/{name}/state"
        subscriber = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-t", topic, "-q", "1", "-C", str(n),
                                       "-W", "30"], stdout=subprocess.PIPE, text=True)
        time.sleep(1.0)  # the subscription is in place before the first publication
        first = run([gateway, "--devices", devices, "--state", state, "--pcap", capture]).strip()
        received = [json.loads(line) for line in subscriber.communicate(timeout=40)[0].splitlines()]
        if [r["state"] for r in received] != expected:
            problems.append(f"the subscriber got {[r['state'] for r in received]}, expected {expected}")
        if [r["counter"] for r in received] != list(range(1000, 1000 + n)):
            problems.append(f"counters {[r['counter'] for r in received]}, expected 1000 to {999 + n}")
        if first != summary:
            problems.append(f"first run: '{first}', expected '{summary}'")
        again = run([gateway, "--devices", devices, "--state", state, "--pcap", capture]).strip()
        # The last report's three copies carry the counter on record (repeats); every other one is older.
        restart = f"{3 * n + 3} received: 0 published, 3 repeats, {3 * n - 2} replays, 1 bad CRC, 1 bad MIC, 0 unknown devices, 0 other"
        if again != restart:
            problems.append(f"restarted: '{again}', expected '{restart}'")
        late = subprocess.run(["mosquitto_sub", "-h", "127.0.0.1", "-t", topic, "-q", "1", "-C", "2", "-W", "3"],
                              capture_output=True, text=True).stdout.splitlines()
        if [json.loads(line)["counter"] for line in late] != [999 + n]:
            problems.append(f"a new subscriber got {late}, expected only the retained last report")
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-t", topic, "-r", "-n"], check=False)  # clear it
        print(f"broker: {len(received)} messages in order; restart: {again}; a late subscriber got {len(late)} (retained)")
    for problem in problems:
        print("FAILED", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
