// DecisionTracker: threshold, hysteresis and events on synthetic vote streams, against
// sequences worked out by hand.
#include <catch2/catch.hpp>

#include <vector>

#include "earshot/pipeline/decision.hpp"

namespace {

using earshot::kSilentClass;
using earshot::kUnknownClass;
using earshot::StateEvent;

struct Step {
  int index;
  float confidence;
};

// Feeds the steps as windows 0, 1, 2, ... ending at sample 1000 x (k + 1), 1000 samples/s.
std::vector<StateEvent> run(const earshot::DecisionConfig& config, const std::vector<Step>& steps) {
  earshot::DecisionTracker tracker;
  tracker.configure(config);
  std::vector<StateEvent> events;
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const std::uint64_t sample = 1000 * (k + 1);
    tracker.update(steps[k].index, steps[k].confidence, sample, static_cast<double>(sample) / 1000.0,
                   [&](const StateEvent& event) { events.push_back(event); });
  }
  return events;
}

}  // namespace

TEST_CASE("without hysteresis every change of the voted class is an event") {
  const auto events = run({0.0f, 1}, {{2, 0.9f}, {2, 0.8f}, {5, 0.7f}, {2, 0.6f}});
  REQUIRE(events.size() == 3);
  CHECK(events[0].state == 2);
  CHECK(events[0].previous == kUnknownClass);
  CHECK(events[0].sample == 1000);
  CHECK(events[0].seconds == 1.0);
  CHECK(events[0].confidence == 0.9f);
  CHECK(events[1].state == 5);
  CHECK(events[1].sample == 3000);
  CHECK(events[2].state == 2);
  CHECK(events[2].previous == 5);
  CHECK(events[2].sample == 4000);
}

TEST_CASE("a confidence below the threshold reports unknown") {
  // threshold 0.6: 0.9 -> class 1, 0.5 -> unknown, 0.6 -> class 1 (the threshold itself passes).
  const auto events = run({0.6f, 1}, {{1, 0.9f}, {1, 0.5f}, {1, 0.6f}});
  REQUIRE(events.size() == 3);
  CHECK(events[0].state == 1);
  CHECK(events[1].state == kUnknownClass);
  CHECK(events[1].previous == 1);
  CHECK(events[1].confidence == 0.5f);
  CHECK(events[2].state == 1);
}

TEST_CASE("the state changes only after min_consecutive agreeing windows") {
  // min 3: windows 0-2 say 4 -> event at window 2 (sample 3000); a lone 7 (window 3) and two 7s
  // (windows 5, 6) interrupted by a 4 change nothing; 7 at windows 7, 8, 9 -> event at 10000.
  const std::vector<Step> steps = {{4, 0.9f}, {4, 0.9f}, {4, 0.9f}, {7, 0.9f}, {4, 0.9f},
                                   {7, 0.9f}, {7, 0.9f}, {4, 0.8f}, {7, 0.9f}, {7, 0.9f}, {7, 0.7f}};
  const auto events = run({0.0f, 3}, steps);
  REQUIRE(events.size() == 2);
  CHECK(events[0].state == 4);
  CHECK(events[0].sample == 3000);
  CHECK(events[1].state == 7);
  CHECK(events[1].previous == 4);
  CHECK(events[1].sample == 11000);
  CHECK(events[1].confidence == 0.7f);
}

TEST_CASE("silence and unknown need the same run of agreeing windows as classes") {
  // min 2, threshold 0.5: silence x2 -> event at 2000; 3 (0.4 -> unknown) x2 -> unknown at 4000;
  // 3 (0.9) x1 then silence x1 -> nothing; 3 x2 -> 3 at 8000.
  const std::vector<Step> steps = {{kSilentClass, 0.0f}, {kSilentClass, 0.0f}, {3, 0.4f}, {3, 0.4f},
                                   {3, 0.9f},           {kSilentClass, 0.0f}, {3, 0.9f}, {3, 0.9f}};
  const auto events = run({0.5f, 2}, steps);
  REQUIRE(events.size() == 3);
  CHECK(events[0].state == kSilentClass);
  CHECK(events[0].sample == 2000);
  CHECK(events[1].state == kUnknownClass);
  CHECK(events[1].previous == kSilentClass);
  CHECK(events[1].sample == 4000);
  CHECK(events[2].state == 3);
  CHECK(events[2].sample == 8000);
}

TEST_CASE("unknown at the start is no event, and min_consecutive 0 acts as 1") {
  const auto events = run({0.95f, 0}, {{1, 0.5f}, {1, 0.5f}, {1, 0.99f}});
  REQUIRE(events.size() == 1);
  CHECK(events[0].state == 1);
  CHECK(events[0].sample == 3000);
}
