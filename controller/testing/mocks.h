// gmock implementations of the controller library's interfaces, for unit tests.
#pragma once

#include <gmock/gmock.h>

#include "controller/credentials.h"
#include "controller/http_transport.h"

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

}  // namespace kdiag::testing
