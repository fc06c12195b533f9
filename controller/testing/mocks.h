// gmock implementations of the controller library's interfaces, for unit tests.
#pragma once

#include <gmock/gmock.h>

#include "controller/authorizer.h"
#include "controller/credentials.h"
#include "controller/event_recorder.h"
#include "controller/http_transport.h"
#include "controller/lease_store.h"
#include "controller/pod_exec.h"

namespace kdiag::testing {

class MockHttpTransport : public HttpTransport {
 public:
  MOCK_METHOD(Result<HttpResponse>, Send, (const HttpRequest& request), (override));
  MOCK_METHOD(Result<HttpResponse>, Stream,
              (const HttpRequest& request,
               const std::function<StreamControl(std::string_view)>& on_chunk),
              (override));
};

class MockCredentialSource : public CredentialSource {
 public:
  MOCK_METHOD(Result<std::string>, Authorization, (), (override));
  MOCK_METHOD(void, Invalidate, (), (override));
};

class MockPodExecutor : public PodExecutor {
 public:
  MOCK_METHOD(Result<std::unique_ptr<PodStreamSession>>, Open,
              (const PodStreamRequest& request, const PodStreamOptions& options), (override));
  MOCK_METHOD(Result<ExecResult>, Run, (const PodStreamRequest& request, const RunOptions& options),
              (override));
};

class MockPodStreamSession : public PodStreamSession {
 public:
  MOCK_METHOD(ChannelProtocol, Protocol, (), (const, override));
  MOCK_METHOD(Result<void>, WriteStdin, (std::string_view data), (override));
  MOCK_METHOD(Result<void>, Resize, (TerminalSize size), (override));
  MOCK_METHOD(Result<void>, CloseStdin, (), (override));
  MOCK_METHOD(Result<std::optional<OutputChunk>>, Read, (Duration timeout), (override));
  MOCK_METHOD(Result<ExitStatus>, Wait, (Duration timeout), (override));
  MOCK_METHOD(void, Close, (), (override));
};

class MockLeaseStore : public LeaseStore {
 public:
  MOCK_METHOD(Result<LeaseRecord>, Get, (), (override));
  MOCK_METHOD(Result<LeaseRecord>, Create, (const LeaseRecord& record), (override));
  MOCK_METHOD(Result<LeaseRecord>, Update, (const LeaseRecord& record), (override));
};

class MockEventRecorder : public EventRecorder {
 public:
  using EventRecorder::Record;
  MOCK_METHOD(void, Record,
              (const ObjectReference& regarding, EventType type, std::string_view reason,
               std::string_view action, std::string_view note),
              (override));
};

class MockAuthorizer : public Authorizer {
 public:
  MOCK_METHOD(Result<AccessDecision>, Check,
              (const UserInfo& user, const ResourceAttributes& attributes), (override));
};

}  // namespace kdiag::testing
