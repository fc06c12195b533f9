#include "controller/quantity.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

double Value(const char* text) {
  const auto q = ParseQuantity(text);
  EXPECT_TRUE(q.has_value()) << text;
  return q ? q->value : -1;
}

TEST(ParseQuantity, ReadsEverySuffixTheApiServerAccepts) {
  EXPECT_DOUBLE_EQ(Value("100m"), 0.1);
  EXPECT_DOUBLE_EQ(Value("2"), 2);
  EXPECT_DOUBLE_EQ(Value("1.5"), 1.5);
  EXPECT_DOUBLE_EQ(Value("128Mi"), 128.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(Value("1Gi"), 1024.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(Value("1G"), 1e9);
  EXPECT_DOUBLE_EQ(Value("1k"), 1e3);
  EXPECT_DOUBLE_EQ(Value("2e3"), 2000);
  EXPECT_DOUBLE_EQ(Value("1E"), 1e18);
  EXPECT_DOUBLE_EQ(Value("-1"), -1);
  EXPECT_DOUBLE_EQ(Value("+5Ki"), 5120);
}

TEST(ParseQuantity, RejectsMalformedText) {
  for (const char* bad : {"", "m", "1.2.3", "12MB", "1 Gi", "Gi", "1e", "0x10", "1mi"}) {
    EXPECT_EQ(ParseQuantity(bad), std::nullopt) << bad;
  }
}

TEST(ParseQuantity, OrdersQuantities) {
  EXPECT_LT(*ParseQuantity("500m"), *ParseQuantity("1"));
  EXPECT_GT(*ParseQuantity("1Gi"), *ParseQuantity("1G"));
}

}  // namespace
}  // namespace kdiag
