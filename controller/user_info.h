// A user as the API server authenticated them (an admission request's userInfo, a
// SubjectAccessReview's subject).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace kdiag {

struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
  // Extra attributes from the authenticator (scopes, the node of a bound token, ...).
  std::map<std::string, std::vector<std::string>> extra;
};

}  // namespace kdiag
