// gmock implementations of the controller library's interfaces, for unit tests.
#pragma once

#include <gmock/gmock.h>

#include "controller/credentials.h"
#include "controller/http_transport.h"
#include "controller/lease_store.h"

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

class MockLeaseStore : public LeaseStore {
 public:
  MOCK_METHOD(Result<LeaseRecord>, Get, (), (override));
  MOCK_METHOD(Result<LeaseRecord>, Create, (const LeaseRecord& record), (override));
  MOCK_METHOD(Result<LeaseRecord>, Update, (const LeaseRecord& record), (override));
};

}  // namespace kdiag::testing
