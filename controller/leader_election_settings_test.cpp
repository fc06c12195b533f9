#include "controller/leader_election_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string_view>

namespace kdiag {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A version 4 UUID: hex digits in 8-4-4-4-12, version 4, variant 8, 9, a or b.
bool IsUuidV4(std::string_view text) {
  constexpr std::string_view kShape = "xxxxxxxx-xxxx-4xxx-vxxx-xxxxxxxxxxxx";
  if (text.size() != kShape.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    const bool ok = kShape[i] == 'x'   ? hex
                    : kShape[i] == 'v' ? std::string_view("89ab").find(c) != std::string_view::npos
                                       : c == kShape[i];
    if (!ok) return false;
  }
  return true;
}

LeaderElectionSettings Valid() {
  return {.leaseNamespace = "kdiag-system", .leaseName = "kdiag-controller", .identity = "me"};
}

TEST(LeaderElectionSettings, DefaultsAreFifteenTenTwoSeconds) {
  const auto settings = Valid();
  EXPECT_EQ(settings.leaseDuration, seconds(15));
  EXPECT_EQ(settings.renewDeadline, seconds(10));
  EXPECT_EQ(settings.retryPeriod, seconds(2));
  EXPECT_TRUE(settings.releaseOnStop);
  EXPECT_THAT(ValidateLeaderElectionSettings(settings), ::testing::IsEmpty());
}

TEST(LeaderElectionSettings, RequireTheLeaderToStopBeforeOthersMayTakeOver) {
  auto settings = Valid();
  settings.renewDeadline = seconds(15);
  EXPECT_THAT(ValidateLeaderElectionSettings(settings),
              ElementsAre(HasSubstr("leaseDuration must be greater than renewDeadline")));
}

TEST(LeaderElectionSettings, RequireRoomForARetryBeforeTheRenewDeadline) {
  auto settings = Valid();
  settings.retryPeriod = milliseconds(8334);  // 1.2 × that is just over 10 s
  EXPECT_THAT(ValidateLeaderElectionSettings(settings),
              ElementsAre(HasSubstr("renewDeadline must be greater than 1.2 × retryPeriod")));
  settings.retryPeriod = milliseconds(8333);
  EXPECT_THAT(ValidateLeaderElectionSettings(settings), ::testing::IsEmpty());
  settings.retryPeriod = seconds(0);
  EXPECT_THAT(ValidateLeaderElectionSettings(settings),
              ElementsAre(HasSubstr("retryPeriod must be greater than 0s")));
}

TEST(LeaderElectionSettings, RequireALeaseNameAndAnIdentity) {
  const LeaderElectionSettings settings{.leaseNamespace = "Ops", .leaseName = ""};
  EXPECT_THAT(
      ValidateLeaderElectionSettings(settings),
      ElementsAre(HasSubstr("namespace 'Ops'"), HasSubstr("lease name ''"), HasSubstr("identity")));
}

TEST(MakeLeaderIdentity, IsTheHostNameAndAFreshUuid) {
  const std::string first = MakeLeaderIdentity();
  const std::string second = MakeLeaderIdentity();
  const auto separator = first.rfind('_');
  ASSERT_NE(separator, std::string::npos) << first;
  EXPECT_GT(separator, 0u) << first;
  EXPECT_TRUE(IsUuidV4(first.substr(separator + 1))) << first;
  EXPECT_NE(first, second);
  EXPECT_EQ(first.substr(0, first.rfind('_')), second.substr(0, second.rfind('_')));
}

}  // namespace
}  // namespace kdiag
