#include "controller/names.h"

#include <gtest/gtest.h>

#include <string>

namespace kdiag {
namespace {

TEST(IsDnsLabel, FollowsTheApiServersRule) {
  for (const char* good : {"a", "kube-system", "ns-1", "0abc"})
    EXPECT_TRUE(IsDnsLabel(good)) << good;
  for (const char* bad : {"", "-a", "a-", "A", "a_b", "a.b", "ünï"}) {
    EXPECT_FALSE(IsDnsLabel(bad)) << bad;
  }
  EXPECT_TRUE(IsDnsLabel(std::string(63, 'a')));
  EXPECT_FALSE(IsDnsLabel(std::string(64, 'a')));
}

TEST(IsDnsSubdomain, FollowsTheApiServersRule) {
  for (const char* good : {"a", "fast.ssd-retain", "x.y.z", "kdiag.dev"}) {
    EXPECT_TRUE(IsDnsSubdomain(good)) << good;
  }
  for (const char* bad : {"", ".a", "a.", "a..b", "A.b", "a_b", "a.-b"}) {
    EXPECT_FALSE(IsDnsSubdomain(bad)) << bad;
  }
  EXPECT_FALSE(IsDnsSubdomain(std::string(254, 'a')));
}

}  // namespace
}  // namespace kdiag
