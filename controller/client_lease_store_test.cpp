// The Lease mapping and the requests; against a real API server in
// tests/integration/leader_election_test.cpp.
#include "controller/client_lease_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

using json = nlohmann::json;
using ::testing::_;
using ::testing::AllOf;
using ::testing::DoAll;
using ::testing::Field;
using testing::MockCredentialSource;
using testing::MockHttpTransport;
using ::testing::Return;
using ::testing::SaveArg;

constexpr const char* kUrl =
    "https://api:6443/apis/coordination.k8s.io/v1/namespaces/kdiag-system/leases/kdiag-controller";

const json kLease = {{"apiVersion", "coordination.k8s.io/v1"},
                     {"kind", "Lease"},
                     {"metadata",
                      {{"name", "kdiag-controller"},
                       {"namespace", "kdiag-system"},
                       {"resourceVersion", "812"},
                       {"labels", {{"team", "ops"}}}}},
                     {"spec",
                      {{"holderIdentity", "node-1_0c1f"},
                       {"leaseDurationSeconds", 15},
                       {"acquireTime", "2026-01-01T00:00:00.000000Z"},
                       {"renewTime", "2026-01-01T00:00:04.250000Z"},
                       {"leaseTransitions", 3},
                       {"preferredHolder", "node-2"}}}};

class ClientLeaseStoreTest : public ::testing::Test {
 protected:
  ClientLeaseStoreTest()
      : client_("https://api:6443", transport_, MakeCredentials(),
                ClientOptions{.retry = {.maxRetries = 0}}),
        store_(client_, "kdiag-system", "kdiag-controller") {}

  static std::unique_ptr<MockCredentialSource> MakeCredentials() {
    auto credentials = std::make_unique<MockCredentialSource>();
    ON_CALL(*credentials, Authorization()).WillByDefault(Return(std::string("Bearer t")));
    return credentials;
  }

  static Result<HttpResponse> Answer(int status, const json& body) {
    return HttpResponse{status, {}, body.dump()};
  }

  std::shared_ptr<MockHttpTransport> transport_ = std::make_shared<MockHttpTransport>();
  Client client_;
  ClientLeaseStore store_;
};

TEST_F(ClientLeaseStoreTest, ReadsTheRecordFromTheLease) {
  EXPECT_CALL(*transport_,
              Send(AllOf(Field(&HttpRequest::method, "GET"), Field(&HttpRequest::url, kUrl))))
      .WillOnce(Return(Answer(200, kLease)));
  const auto record = store_.Get();
  ASSERT_TRUE(record) << record.error().Describe();
  EXPECT_EQ(*record, (LeaseRecord{.holderIdentity = "node-1_0c1f",
                                  .leaseDurationSeconds = 15,
                                  .acquireTime = "2026-01-01T00:00:00.000000Z",
                                  .renewTime = "2026-01-01T00:00:04.250000Z",
                                  .leaseTransitions = 3,
                                  .resourceVersion = "812"}));
}

TEST_F(ClientLeaseStoreTest, ReadsALeaseWithoutSpecAsFree) {
  json bare = kLease;
  bare.erase("spec");
  EXPECT_CALL(*transport_, Send(_)).WillOnce(Return(Answer(200, bare)));
  const auto record = store_.Get();
  ASSERT_TRUE(record);
  EXPECT_EQ(*record, (LeaseRecord{.resourceVersion = "812"}));
}

TEST_F(ClientLeaseStoreTest, TellsAMissingLeaseApart) {
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Return(Answer(404, {{"kind", "Status"}, {"reason", "NotFound"}, {"code", 404}})));
  EXPECT_EQ(store_.Get().error().kind, ErrorKind::kNotFound);
}

TEST_F(ClientLeaseStoreTest, CreatesALease) {
  HttpRequest sent;
  json created = kLease;
  created["metadata"].erase("labels");
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(DoAll(SaveArg<0>(&sent), Return(Answer(201, created))));
  const LeaseRecord record{.holderIdentity = "me",
                           .leaseDurationSeconds = 15,
                           .acquireTime = "2026-01-01T00:00:00.000000Z",
                           .renewTime = "2026-01-01T00:00:00.000000Z"};
  ASSERT_TRUE(store_.Create(record));
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url,
            "https://api:6443/apis/coordination.k8s.io/v1/namespaces/kdiag-system/leases"
            "?fieldManager=leader-election");
  EXPECT_EQ(json::parse(sent.body),
            json({{"apiVersion", "coordination.k8s.io/v1"},
                  {"kind", "Lease"},
                  {"metadata", {{"name", "kdiag-controller"}, {"namespace", "kdiag-system"}}},
                  {"spec",
                   {{"holderIdentity", "me"},
                    {"leaseDurationSeconds", 15},
                    {"acquireTime", "2026-01-01T00:00:00.000000Z"},
                    {"renewTime", "2026-01-01T00:00:00.000000Z"},
                    {"leaseTransitions", 0}}}}));
}

TEST_F(ClientLeaseStoreTest, UpdatesOverTheObjectReadKeepingWhatElectionDoesNotOwn) {
  HttpRequest sent;
  json updated = kLease;
  updated["metadata"]["resourceVersion"] = "813";
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Return(Answer(200, kLease)))
      .WillOnce(DoAll(SaveArg<0>(&sent), Return(Answer(200, updated))));
  auto record = store_.Get();
  ASSERT_TRUE(record);
  record->holderIdentity = "";
  record->leaseDurationSeconds = 1;
  const auto written = store_.Update(*record);
  ASSERT_TRUE(written) << written.error().Describe();
  EXPECT_EQ(written->resourceVersion, "813");

  EXPECT_EQ(sent.method, "PUT");
  EXPECT_EQ(sent.url, std::string(kUrl) + "?fieldManager=leader-election");
  json expected = kLease;
  expected["spec"]["holderIdentity"] = "";
  expected["spec"]["leaseDurationSeconds"] = 1;
  EXPECT_EQ(json::parse(sent.body), expected);
}

TEST_F(ClientLeaseStoreTest, ReportsAStaleVersionAsAConflict) {
  EXPECT_CALL(*transport_, Send(_))
      .WillOnce(Return(Answer(409, {{"kind", "Status"},
                                    {"reason", "Conflict"},
                                    {"code", 409},
                                    {"message", "the object has been modified"}})));
  const auto written = store_.Update(LeaseRecord{.holderIdentity = "me", .resourceVersion = "1"});
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().kind, ErrorKind::kConflict);
}

TEST(LeaseRecord, LeavesUnsetTimesOutOfTheObject) {
  json lease = kLease;
  WriteLeaseRecord(LeaseRecord{.holderIdentity = "me", .resourceVersion = "9"}, lease);
  EXPECT_FALSE(lease["spec"].contains("acquireTime"));
  EXPECT_FALSE(lease["spec"].contains("renewTime"));
  EXPECT_EQ(lease["spec"]["preferredHolder"], "node-2");
  EXPECT_EQ(lease["metadata"]["resourceVersion"], "9");
}

}  // namespace
}  // namespace kdiag
