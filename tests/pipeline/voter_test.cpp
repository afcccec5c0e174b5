// Voter: every rule against hand-calculated scores, over a clip and over a sliding horizon.
#include <catch2/catch.hpp>

#include <cmath>

#include "earshot/pipeline/voter.hpp"

namespace {

using earshot::VoteRule;
using Voter3 = earshot::Voter<3, 2>;

// Three windows over three classes (rows sum to 1).
constexpr float kWindows[3][3] = {
    {0.6f, 0.3f, 0.1f},
    {0.2f, 0.5f, 0.3f},
    {0.5f, 0.1f, 0.4f},
};

earshot::Vote<3> vote_all(VoteRule rule, std::size_t horizon = 0) {
  Voter3 voter;
  REQUIRE(voter.configure(rule, horizon) == earshot::PipelineStatus::kOk);
  for (const auto& window : kWindows) voter.add(window);
  return voter.vote();
}

}  // namespace

TEST_CASE("mean vote: the average probability of each class over the clip") {
  // (0.6 + 0.2 + 0.5) / 3 = 0.4333, (0.3 + 0.5 + 0.1) / 3 = 0.3, (0.1 + 0.3 + 0.4) / 3 = 0.2667.
  const auto vote = vote_all(VoteRule::kMean);
  CHECK(vote.index == 0);
  CHECK(vote.windows == 3);
  CHECK(vote.scores[0] == Approx(1.3 / 3));
  CHECK(vote.scores[1] == Approx(0.9 / 3));
  CHECK(vote.scores[2] == Approx(0.8 / 3));
  CHECK(vote.confidence == vote.scores[0]);
}

TEST_CASE("geometric-mean vote: cube roots of the products, rescaled to sum to 1") {
  // (0.6 * 0.2 * 0.5)^(1/3) = 0.06^(1/3) = 0.39149, (0.3 * 0.5 * 0.1)^(1/3) = 0.015^(1/3) =
  // 0.24662, (0.1 * 0.3 * 0.4)^(1/3) = 0.012^(1/3) = 0.22894; total 0.86705.
  const auto vote = vote_all(VoteRule::kGeometricMean);
  const double g0 = std::cbrt(0.06), g1 = std::cbrt(0.015), g2 = std::cbrt(0.012);
  const double total = g0 + g1 + g2;
  CHECK(vote.index == 0);
  CHECK(vote.scores[0] == Approx(g0 / total).epsilon(1e-6));
  CHECK(vote.scores[1] == Approx(g1 / total).epsilon(1e-6));
  CHECK(vote.scores[2] == Approx(g2 / total).epsilon(1e-6));
  CHECK(vote.scores[0] == Approx(0.45153).epsilon(1e-4));
}

TEST_CASE("majority vote: the share of windows whose argmax is each class") {
  // argmaxes 0, 1, 0 -> 2/3, 1/3, 0.
  const auto vote = vote_all(VoteRule::kMajority);
  CHECK(vote.index == 0);
  CHECK(vote.scores[0] == Approx(2.0 / 3));
  CHECK(vote.scores[1] == Approx(1.0 / 3));
  CHECK(vote.scores[2] == 0.0f);
}

TEST_CASE("max vote: the largest probability of each class, and ties go to the lower class") {
  // max 0.6, 0.5, 0.4.
  const auto vote = vote_all(VoteRule::kMax);
  CHECK(vote.index == 0);
  CHECK(vote.confidence == 0.6f);
  CHECK(vote.scores[1] == 0.5f);
  CHECK(vote.scores[2] == 0.4f);

  earshot::Voter<2> tie;
  REQUIRE(tie.configure(VoteRule::kMajority) == earshot::PipelineStatus::kOk);
  const float a[2] = {0.7f, 0.3f};
  const float b[2] = {0.4f, 0.6f};
  tie.add(a);
  tie.add(b);
  CHECK(tie.vote().index == 0);  // 1/2 each: the first maximum, as numpy's argmax
}

TEST_CASE("a sliding horizon votes on the last N windows only") {
  // Horizon 2 over the three windows: windows 2 and 3 -> mean (0.35, 0.3, 0.35): a tie of
  // classes 0 and 2 that the first maximum resolves to 0; max (0.5, 0.5, 0.4) -> 0;
  // majority: argmaxes 1, 0 -> (0.5, 0.5, 0) -> 0.
  const auto mean = vote_all(VoteRule::kMean, 2);
  CHECK(mean.windows == 2);
  CHECK(mean.scores[0] == Approx(0.35));
  CHECK(mean.scores[1] == Approx(0.3));
  CHECK(mean.scores[2] == Approx(0.35));
  const auto max = vote_all(VoteRule::kMax, 2);
  CHECK(max.scores[0] == 0.5f);
  CHECK(max.scores[1] == 0.5f);
  CHECK(max.scores[2] == 0.4f);
  const auto majority = vote_all(VoteRule::kMajority, 2);
  CHECK(majority.index == 0);
  CHECK(majority.scores[0] == 0.5f);
  CHECK(majority.scores[1] == 0.5f);
  CHECK(majority.scores[2] == 0.0f);

  // After one window the horizon holds one: its own probabilities.
  Voter3 voter;
  REQUIRE(voter.configure(VoteRule::kMean, 2) == earshot::PipelineStatus::kOk);
  voter.add(kWindows[1]);
  CHECK(voter.vote().index == 1);
  CHECK(voter.vote().confidence == 0.5f);
  voter.reset();
  CHECK(voter.vote().index == earshot::kUnknownClass);
  CHECK(voter.vote().windows == 0);
}

TEST_CASE("a horizon beyond the voter's capacity is refused") {
  Voter3 voter;
  CHECK(voter.configure(VoteRule::kMean, 3) == earshot::PipelineStatus::kInvalidVoteHorizon);
  earshot::Voter<3> clip_only;
  CHECK(clip_only.configure(VoteRule::kMean, 1) == earshot::PipelineStatus::kInvalidVoteHorizon);
  CHECK(clip_only.configure(VoteRule::kMean, 0) == earshot::PipelineStatus::kOk);
}

TEST_CASE("geometric mean treats a zero probability as 1e-30, not as -inf") {
  earshot::Voter<2> voter;
  REQUIRE(voter.configure(VoteRule::kGeometricMean) == earshot::PipelineStatus::kOk);
  const float a[2] = {1.0f, 0.0f};
  voter.add(a);
  const auto vote = voter.vote();
  // 1 / (1 + 1e-30) and 1e-30 / (1 + 1e-30).
  CHECK(vote.index == 0);
  CHECK(vote.scores[0] == 1.0f);
  CHECK(vote.scores[1] == Approx(1e-30).margin(1e-36));
}
