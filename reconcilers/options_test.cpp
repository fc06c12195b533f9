#include "reconcilers/options.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

TEST(SessionOptions, DefaultsAreValid) { EXPECT_THAT(SessionOptions{}.Validate(), IsEmpty()); }

TEST(SessionOptions, RejectsRootAndTTLsOverTwoHours) {
  SessionOptions o;
  o.runAsUser = 0;
  o.maxTTL = std::chrono::hours(3);
  const auto problems = o.Validate();
  EXPECT_THAT(problems, ElementsAre(Field(&FieldProblem::field, "maxTTL"),
                                    Field(&FieldProblem::field, "runAsUser")));
}

TEST(SessionOptions, TheRecorderRunsApartFromTheShell) {
  SessionOptions o;
  o.recorderUser = o.runAsUser;
  EXPECT_THAT(o.Validate(), ElementsAre(Field(&FieldProblem::field, "recorderUser")));
}

TEST(SessionOptions, RejectsADefaultTTLAboveTheMaximum) {
  SessionOptions o;
  o.maxTTL = std::chrono::minutes(30);
  EXPECT_THAT(o.Validate(), ElementsAre(Field(&FieldProblem::field, "defaultTTL")));
}

TEST(SessionOptions, RejectsBadQuantitiesAndRequestsAboveLimits) {
  SessionOptions o;
  o.recordingSize = "lots";
  o.requests.memory = "1Gi";
  o.limits.memory = "512Mi";
  EXPECT_THAT(o.Validate(), ElementsAre(Field(&FieldProblem::field, "recordingSize"),
                                        Field(&FieldProblem::field, "resources.requests.memory")));
}

TEST(SessionOptions, ChecksTheStorageClassName) {
  SessionOptions o;
  o.storageClassName = "fast.ssd-retain";
  EXPECT_THAT(o.Validate(), IsEmpty());
  o.storageClassName = "Fast_SSD";
  EXPECT_THAT(o.Validate(), ElementsAre(Field(&FieldProblem::field, "storageClassName")));
}

TEST(DiagnosisOptions, DefaultsAreValid) { EXPECT_THAT(DiagnosisOptions{}.Validate(), IsEmpty()); }

TEST(DiagnosisOptions, RejectsBadURLsAndNamespaceNames) {
  DiagnosisOptions o;
  o.publicBaseURL = "kdiag.example.com";
  o.managementNamespaces = {"kube-system", "Monitoring"};
  EXPECT_THAT(o.Validate(), ElementsAre(Field(&FieldProblem::field, "publicBaseURL"),
                                        Field(&FieldProblem::field, "managementNamespaces[1]")));
}

}  // namespace
}  // namespace kdiag
