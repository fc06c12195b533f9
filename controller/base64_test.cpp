#include "controller/base64.h"

#include <gtest/gtest.h>

#include "controller/cached_object.h"

namespace kdiag {
namespace {

TEST(Base64, EncodesAndDecodesTheRfc4648Vectors) {
  for (const auto& [plain, encoded] :
       {std::pair{"", ""}, std::pair{"f", "Zg=="}, std::pair{"fo", "Zm8="},
        std::pair{"foo", "Zm9v"}, std::pair{"foob", "Zm9vYg=="}, std::pair{"fooba", "Zm9vYmE="},
        std::pair{"foobar", "Zm9vYmFy"}}) {
    EXPECT_EQ(EncodeBase64(plain), encoded);
    EXPECT_EQ(DecodeBase64(encoded), plain);
  }
}

TEST(Base64, IgnoresLineBreaksAndRefusesWhatIsNotBase64) {
  EXPECT_EQ(DecodeBase64("Zm9v\nYmFy\n"), "foobar");
  EXPECT_FALSE(DecodeBase64("Zm9"));
  EXPECT_FALSE(DecodeBase64("Zm9!"));
}

TEST(ObjectKey, SplitsBackIntoNamespaceAndName) {
  EXPECT_EQ(SplitObjectKey(ObjectKey("shop", "web")),
            (std::pair<std::string, std::string>{"shop", "web"}));
  EXPECT_EQ(SplitObjectKey(ObjectKey("", "kwok-node-0")),
            (std::pair<std::string, std::string>{"", "kwok-node-0"}));
}

}  // namespace
}  // namespace kdiag
