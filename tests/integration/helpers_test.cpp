// The controller helpers (finalizers, owner references, status writes, the event recorder)
// against the real local control plane (KUBECONFIG points at it; see tests/CMakeLists.txt).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <thread>

#include "controller/api_event_recorder.h"
#include "controller/client.h"
#include "controller/finalizers.h"
#include "controller/kubeconfig.h"
#include "controller/owner_references.h"
#include "controller/status_writer.h"
#include "tests/integration/test_cluster.h"

namespace kdiag {
namespace {

using json = nlohmann::json;
using ::testing::ElementsAre;

using testing::kDiagnoses;

class HelpersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client_ = std::make_unique<Client>(testing::TestCluster());
    // Another writer of the same objects, as a second controller would be.
    other_ = std::make_unique<Client>(testing::TestCluster());
    ns_ = NewNamespace("helpers");
  }
  void TearDown() override { (void)client_->Delete(resources::kNamespaces, "", ns_); }

  std::string NewNamespace(const std::string& prefix) {
    return testing::CreateTestNamespace(*client_, prefix);
  }

  json CreateConfigMap(const std::string& ns, const std::string& name, json metadata = {}) {
    metadata["name"] = name;
    auto created = client_->Create(resources::kConfigMaps, ns,
                                   {{"apiVersion", "v1"},
                                    {"kind", "ConfigMap"},
                                    {"metadata", std::move(metadata)},
                                    {"data", {{"key", "1"}}}});
    EXPECT_TRUE(created) << created.error().Describe();
    return created.value_or(json::object());
  }

  json Get(const ResourceType& type, const std::string& name) {
    auto object = client_->Get(type, ns_, name);
    EXPECT_TRUE(object) << object.error().Describe();
    return object.value_or(json::object());
  }

  // Polls until pred holds, for up to 30 s (the garbage collector and namespace deletion act
  // asynchronously).
  template <typename Pred>
  static bool Eventually(Pred pred) {
    for (int i = 0; i < 300; ++i) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::unique_ptr<Client> client_;
  std::unique_ptr<Client> other_;
  std::string ns_;
};
std::vector<std::string> FinalizersOf(const json& object) {
  return object["metadata"].value("finalizers", std::vector<std::string>{});
}

TEST_F(HelpersTest, AFailedPatchTestIsRecognised) {
  CreateConfigMap(ns_, "cm");
  auto failed = client_->Patch(resources::kConfigMaps, ns_, "cm", PatchType::kJson,
                               R"([{"op":"test","path":"/metadata/resourceVersion","value":"1"},
                                   {"op":"add","path":"/metadata/finalizers","value":["a.dev/x"]}])");
  ASSERT_FALSE(failed);
  EXPECT_TRUE(IsFailedPatchTest(failed.error())) << failed.error().Describe();
  EXPECT_TRUE(FinalizersOf(Get(resources::kConfigMaps, "cm")).empty());
}

TEST_F(HelpersTest, FinalizersSurviveConcurrentChanges) {
  const json created = CreateConfigMap(ns_, "cm");
  // Another controller adds its finalizer after our read, when we saw no list at all: creating
  // the list from our stale view would drop theirs.
  ASSERT_TRUE(AddFinalizer(*other_, resources::kConfigMaps, Get(resources::kConfigMaps, "cm"),
                           "other.dev/keep"));
  auto first = AddFinalizer(*client_, resources::kConfigMaps, created, "kdiag.dev/a");
  ASSERT_TRUE(first) << first.error().Describe();
  EXPECT_THAT(FinalizersOf(*first), ElementsAre("other.dev/keep", "kdiag.dev/a"));

  // Nothing to do: the object comes back as given and the server's copy is untouched.
  auto again = AddFinalizer(*client_, resources::kConfigMaps, *first, "kdiag.dev/a");
  ASSERT_TRUE(again);
  EXPECT_EQ(Get(resources::kConfigMaps, "cm")["metadata"]["resourceVersion"],
            (*first)["metadata"]["resourceVersion"]);

  auto with_b = AddFinalizer(*client_, resources::kConfigMaps, *first, "kdiag.dev/b");
  ASSERT_TRUE(with_b) << with_b.error().Describe();
  auto with_c = AddFinalizer(*client_, resources::kConfigMaps, *with_b, "kdiag.dev/c");
  ASSERT_TRUE(with_c) << with_c.error().Describe();
  EXPECT_THAT(FinalizersOf(*with_c),
              ElementsAre("other.dev/keep", "kdiag.dev/a", "kdiag.dev/b", "kdiag.dev/c"));

  // The other one removes its finalizer after our read: the index where we saw kdiag.dev/b
  // now holds kdiag.dev/c, which a removal by index alone would take instead.
  ASSERT_TRUE(RemoveFinalizer(*other_, resources::kConfigMaps, Get(resources::kConfigMaps, "cm"),
                              "other.dev/keep"));
  auto removed = RemoveFinalizer(*client_, resources::kConfigMaps, *with_c, "kdiag.dev/b");
  ASSERT_TRUE(removed) << removed.error().Describe();
  EXPECT_THAT(FinalizersOf(*removed), ElementsAre("kdiag.dev/a", "kdiag.dev/c"));
  EXPECT_THAT(FinalizersOf(Get(resources::kConfigMaps, "cm")),
              ElementsAre("kdiag.dev/a", "kdiag.dev/c"));
}

TEST_F(HelpersTest, TheLastFinalizerReleasesADeletedObject) {
  auto held =
      AddFinalizer(*client_, resources::kConfigMaps, CreateConfigMap(ns_, "cm"), "kdiag.dev/a");
  ASSERT_TRUE(held) << held.error().Describe();
  ASSERT_TRUE(client_->Delete(resources::kConfigMaps, ns_, "cm"));
  const json deleting = Get(resources::kConfigMaps, "cm");
  ASSERT_TRUE(deleting["metadata"].contains("deletionTimestamp"));

  // The API server refuses new finalizers on an object being deleted; that is no conflict.
  auto refused = AddFinalizer(*client_, resources::kConfigMaps, deleting, "kdiag.dev/late");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kInvalid) << refused.error().Describe();

  auto released = RemoveFinalizer(*client_, resources::kConfigMaps, deleting, "kdiag.dev/a");
  ASSERT_TRUE(released) << released.error().Describe();
  EXPECT_TRUE(Eventually([&] {
    return client_->Get(resources::kConfigMaps, ns_, "cm").error().kind == ErrorKind::kNotFound;
  }));
}

TEST_F(HelpersTest, TheGarbageCollectorDeletesAChildWithItsOwner) {
  const json owner = CreateConfigMap(ns_, "owner");
  json child = {{"apiVersion", "v1"},
                {"kind", "ConfigMap"},
                {"metadata", {{"name", "child"}, {"namespace", ns_}}}};
  ASSERT_EQ(SetControllerReference(child, owner), true);
  ASSERT_EQ(SetControllerReference(child, owner), false);
  auto created = client_->Create(resources::kConfigMaps, ns_, child);
  ASSERT_TRUE(created) << created.error().Describe();
  ASSERT_NE(ControllerOf(*created), nullptr);
  EXPECT_TRUE(IsControlledBy(*created, owner["metadata"]["uid"].get<std::string>()));
  EXPECT_EQ((*created)["metadata"]["ownerReferences"].size(), 1u);

  ASSERT_TRUE(client_->Delete(resources::kConfigMaps, ns_, "owner",
                              {.propagation = Propagation::kBackground}));
  EXPECT_TRUE(Eventually([&] {
    return client_->Get(resources::kConfigMaps, ns_, "child").error().kind == ErrorKind::kNotFound;
  })) << "kube-controller-manager's garbage collector did not delete the child";
}

TEST_F(HelpersTest, StatusUpdatesRetryAfterAConcurrentWrite) {
  auto created = testing::CreateDiagnosis(*client_, ns_, "d");
  ASSERT_TRUE(created) << created.error().Describe();

  StatusWriter writer(*client_, SystemClock(), {.fieldManager = "kdiag-test"});
  int calls = 0;
  auto written = writer.Update(kDiagnoses, ns_, "d", [&](json& status, const json& object) {
    if (++calls == 1) {
      // Another writer changes the status between our read and our write.
      auto theirs = other_->Patch(kDiagnoses, ns_, "d", PatchType::kMerge,
                                  R"({"status":{"runId":"theirs"}})", {.subresource = "status"});
      ASSERT_TRUE(theirs) << theirs.error().Describe();
    }
    status["phase"] = "Completed";
    status["observedGeneration"] = object["metadata"]["generation"];
  });
  ASSERT_TRUE(written) << written.error().Describe();
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(writer.ConflictsRetried(), 1);
  const json after = Get(kDiagnoses, "d")["status"];
  EXPECT_EQ(after["runId"], "theirs");  // kept, not overwritten by a stale copy
  EXPECT_EQ(after["phase"], "Completed");
  EXPECT_EQ(after["observedGeneration"], 1);

  // Nothing changes: no write, the resourceVersion stays.
  const auto version = Get(kDiagnoses, "d")["metadata"]["resourceVersion"];
  auto unchanged = writer.Update(kDiagnoses, ns_, "d",
                                 [](json& status, const json&) { status["phase"] = "Completed"; });
  ASSERT_TRUE(unchanged);
  EXPECT_EQ((*unchanged)["metadata"]["resourceVersion"], version);

  auto patched = writer.MergePatch(kDiagnoses, ns_, "d", {{"phase", "Failed"}});
  ASSERT_TRUE(patched) << patched.error().Describe();
  EXPECT_EQ((*patched)["status"]["phase"], "Failed");
  EXPECT_EQ((*patched)["status"]["runId"], "theirs");
}

TEST_F(HelpersTest, RepeatedEventsBecomeOneSeries) {
  const json regarding = CreateConfigMap(ns_, "watched");
  prometheus::Registry registry;
  ApiEventRecorder recorder(
      *client_, SystemClock(),
      {.reportingController = "kdiag.dev/controller", .reportingInstance = "helpers-test"},
      &registry);
  for (int i = 0; i < 5; ++i) {
    recorder.Record(regarding, EventType::kWarning, "CheckFailed", "Diagnose", "2 findings");
  }
  recorder.Record(regarding, EventType::kNormal, "Checked", "Diagnose", "all good");
  recorder.Flush();
  EXPECT_EQ(recorder.GetStats().failed, 0);
  EXPECT_EQ(recorder.GetStats().dropped, 0);

  auto events = client_->List(resources::kEventsV1, ns_);
  ASSERT_TRUE(events) << events.error().Describe();
  std::vector<json> ours;
  for (const auto& event : events->items) {
    if (event["regarding"].value("uid", "") == regarding["metadata"]["uid"]) ours.push_back(event);
  }
  ASSERT_EQ(ours.size(), 2u) << events->items.dump(2);
  const auto series = std::find_if(ours.begin(), ours.end(),
                                   [](const json& e) { return e["reason"] == "CheckFailed"; });
  ASSERT_NE(series, ours.end());
  EXPECT_EQ((*series)["type"], "Warning");
  EXPECT_EQ((*series)["note"], "2 findings");
  EXPECT_EQ((*series)["action"], "Diagnose");
  EXPECT_EQ((*series)["reportingController"], "kdiag.dev/controller");
  EXPECT_EQ((*series)["regarding"]["name"], "watched");
  EXPECT_EQ((*series)["series"]["count"], 5);
  EXPECT_TRUE((*series)["series"].contains("lastObservedTime"));
}

TEST_F(HelpersTest, EventsInTerminatingOrMissingNamespacesAreCounted) {
  // A namespace held in Terminating by a finalizer on an object in it.
  const std::string terminating = NewNamespace("terminating");
  const json held = CreateConfigMap(terminating, "held", {{"finalizers", {"kdiag.dev/hold"}}});
  ASSERT_TRUE(client_->Delete(resources::kNamespaces, "", terminating));
  ASSERT_TRUE(Eventually([&] {
    auto ns = client_->Get(resources::kNamespaces, "", terminating);
    return ns && (*ns)["status"].value("phase", "") == "Terminating";
  }));

  ApiEventRecorder recorder(
      *client_, SystemClock(),
      {.reportingController = "kdiag.dev/controller", .reportingInstance = "helpers-test"});
  recorder.Record(held, EventType::kNormal, "Checked", "Diagnose", "in a terminating namespace");
  recorder.Record(ObjectReference{"v1", "ConfigMap", "x", "no-such-namespace-kdiag", "u", ""},
                  EventType::kNormal, "Checked", "Diagnose", "in a missing namespace");
  recorder.Flush();
  EXPECT_EQ(recorder.GetStats().failed, 2);
  EXPECT_EQ(recorder.GetStats().created, 0);

  ASSERT_TRUE(RemoveFinalizer(*client_, resources::kConfigMaps, held, "kdiag.dev/hold"));
}

}  // namespace
}  // namespace kdiag
