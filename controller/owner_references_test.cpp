#include "controller/owner_references.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

using json = nlohmann::json;

json Deployment(const std::string& name, const std::string& uid, const std::string& ns = "shop") {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}}}};
}

json ConfigMap(const std::string& ns = "shop") {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", "child"}, {"namespace", ns}}}};
}

TEST(ControllerReference, NamesTheOwnerAndBlocksItsDeletion) {
  EXPECT_EQ(*ControllerReference(Deployment("web", "u-1")), json::parse(R"({
    "apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u-1",
    "controller":true,"blockOwnerDeletion":true})"));
}

TEST(ControllerReference, NeedsAnOwnerThatExists) {
  json unsaved = Deployment("web", "");
  unsaved["metadata"].erase("uid");
  EXPECT_EQ(ControllerReference(unsaved).error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(ControllerReference(json::array()).error().kind, ErrorKind::kInvalid);
}

TEST(SetControllerReference, AddsOnceAndKeepsOtherOwners) {
  json child = ConfigMap();
  child["metadata"]["ownerReferences"] =
      json::array({{{"apiVersion", "v1"}, {"kind", "Secret"}, {"name", "s"}, {"uid", "u-other"}}});
  ASSERT_EQ(SetControllerReference(child, Deployment("web", "u-1")), true);
  ASSERT_EQ(SetControllerReference(child, Deployment("web", "u-1")), false);
  const json& references = child["metadata"]["ownerReferences"];
  ASSERT_EQ(references.size(), 2u);
  EXPECT_EQ(references[0]["uid"], "u-other");
  EXPECT_EQ(references[1], *ControllerReference(Deployment("web", "u-1")));
}

TEST(SetControllerReference, UpgradesAPlainReferenceToTheSameOwner) {
  json child = ConfigMap();
  child["metadata"]["ownerReferences"] = json::array(
      {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}, {"uid", "u-1"}}});
  ASSERT_EQ(SetControllerReference(child, Deployment("web", "u-1")), true);
  ASSERT_EQ(child["metadata"]["ownerReferences"].size(), 1u);
  EXPECT_TRUE(IsControlledBy(child, "u-1"));
}

TEST(SetControllerReference, RefusesASecondController) {
  json child = ConfigMap();
  ASSERT_TRUE(SetControllerReference(child, Deployment("web", "u-1")));
  const json before = child;
  auto second = SetControllerReference(child, Deployment("api", "u-2"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(second.error().message, "the object is already controlled by Deployment web");
  EXPECT_EQ(child, before);
}

TEST(SetControllerReference, RefusesAnOwnerInAnotherNamespace) {
  json child = ConfigMap("other");
  EXPECT_EQ(SetControllerReference(child, Deployment("web", "u-1")).error().kind,
            ErrorKind::kInvalid);
  EXPECT_FALSE(child["metadata"].contains("ownerReferences"));
  // A cluster-scoped owner may own objects anywhere.
  const json node = {
      {"apiVersion", "v1"}, {"kind", "Node"}, {"metadata", {{"name", "n1"}, {"uid", "u-node"}}}};
  EXPECT_EQ(SetControllerReference(child, node), true);
}

TEST(OwnerQueries, FindTheControllerAndAnyOwner) {
  json child = ConfigMap();
  EXPECT_EQ(ControllerOf(child), nullptr);
  EXPECT_FALSE(IsOwnedBy(child, "u-1"));
  child["metadata"]["ownerReferences"] =
      json::array({{{"apiVersion", "v1"}, {"kind", "Secret"}, {"name", "s"}, {"uid", "u-plain"}},
                   {{"apiVersion", "apps/v1"},
                    {"kind", "Deployment"},
                    {"name", "web"},
                    {"uid", "u-1"},
                    {"controller", true}}});
  ASSERT_NE(ControllerOf(child), nullptr);
  EXPECT_EQ((*ControllerOf(child))["name"], "web");
  EXPECT_TRUE(IsOwnedBy(child, "u-plain"));
  EXPECT_TRUE(IsOwnedBy(child, "u-1"));
  EXPECT_FALSE(IsOwnedBy(child, "u-3"));
  EXPECT_TRUE(IsControlledBy(child, "u-1"));
  EXPECT_FALSE(IsControlledBy(child, "u-plain"));
}

}  // namespace
}  // namespace kdiag
