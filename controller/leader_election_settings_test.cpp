#include "controller/leader_election_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

namespace kdiag {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

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
  const std::regex form(".+_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(first, form)) << first;
  EXPECT_NE(first, second);
  EXPECT_EQ(first.substr(0, first.rfind('_')), second.substr(0, second.rfind('_')));
}

}  // namespace
}  // namespace kdiag
