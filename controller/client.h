// A Kubernetes API client: the verbs over any resource type, JSON in and out, typed errors,
// retries per RetryPolicy, an optional client-side rate limit, credentials that rotate.
// Thread-safe; one instance serves the whole process and reuses its connections.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/api_error.h"
#include "controller/credentials.h"
#include "controller/http_transport.h"
#include "controller/kubeconfig.h"
#include "controller/metrics.h"
#include "controller/rate_limiter.h"
#include "controller/resource_type.h"
#include "controller/retry_policy.h"
#include "controller/url_encoding.h"

namespace kdiag {

struct ClientOptions {
  double qps = 0;  // client-side rate limit; 0: off
  int burst = 0;
  Duration timeout = std::chrono::seconds(30);
  RetryPolicy retry;
  std::string userAgent = "kdiag";
  RuntimeMetrics* metrics = nullptr;  // API call counts and latency, when set
};

struct ListOptions {
  std::string labelSelector;
  std::string fieldSelector;
  int64_t limit = 0;  // page size; 0: everything at once
  std::string continueToken;
  std::string resourceVersion;
};

struct ListPage {
  nlohmann::json items = nlohmann::json::array();
  std::string resourceVersion;
  std::string continueToken;  // empty on the last page
};

struct WriteOptions {
  std::string fieldManager;
  bool dryRun = false;
};

enum class PatchType { kMerge, kJson, kStrategicMerge, kApply };

struct PatchOptions {
  std::string fieldManager;  // required for kApply
  bool force = false;        // kApply: take ownership of conflicting fields
  std::string subresource;   // e.g. "status"
  bool dryRun = false;
};

enum class Propagation { kDefault, kBackground, kForeground, kOrphan };

struct DeleteOptions {
  Propagation propagation = Propagation::kDefault;
  std::string preconditionUid;
  std::string preconditionResourceVersion;
  std::optional<int64_t> gracePeriodSeconds;
};

struct LogOptions {
  std::string container;
  std::optional<int64_t> tailLines;
  std::optional<int64_t> limitBytes;
  std::optional<int64_t> sinceSeconds;
  bool previous = false;
  bool timestamps = false;
};

// A resource the server offers, from discovery.
struct ApiResource {
  ResourceType type;
  std::string kind;
  std::vector<std::string> verbs;
};

class Client {
 public:
  Client(const ClusterConfig& config, ClientOptions options = {});
  // For tests: any transport and credential source.
  Client(std::string server, std::shared_ptr<HttpTransport> transport,
         std::unique_ptr<CredentialSource> credentials, ClientOptions options = {});

  Result<nlohmann::json> Get(const ResourceType& type, std::string_view ns, std::string_view name,
                             std::string_view subresource = {});
  Result<ListPage> List(const ResourceType& type, std::string_view ns,
                        const ListOptions& options = {});
  // Every page of a list, following continue tokens.
  Result<ListPage> ListAll(const ResourceType& type, std::string_view ns, ListOptions options = {});
  Result<nlohmann::json> Create(const ResourceType& type, std::string_view ns,
                                const nlohmann::json& object, const WriteOptions& options = {});
  // PUT of the whole object (or its status), with its metadata.resourceVersion as precondition.
  Result<nlohmann::json> Update(const ResourceType& type, const nlohmann::json& object,
                                const WriteOptions& options = {});
  Result<nlohmann::json> UpdateStatus(const ResourceType& type, const nlohmann::json& object,
                                      const WriteOptions& options = {});
  Result<nlohmann::json> Patch(const ResourceType& type, std::string_view ns, std::string_view name,
                               PatchType patch_type, std::string_view body,
                               const PatchOptions& options = {});
  // Server-side apply of a whole object (apiVersion, kind, metadata.name set).
  Result<nlohmann::json> Apply(const ResourceType& type, const nlohmann::json& object,
                               const PatchOptions& options);
  // The deleted object's last state, or a Status when the server gave one.
  Result<nlohmann::json> Delete(const ResourceType& type, std::string_view ns,
                                std::string_view name, const DeleteOptions& options = {});
  Result<std::string> PodLogs(std::string_view ns, std::string_view pod,
                              const LogOptions& options = {});
  // Every resource the server serves (aggregated discovery, with the older per-group
  // discovery as fallback).
  Result<std::vector<ApiResource>> ServerResources();

  // A raw call; path includes the query. For watches and anything the verbs above lack.
  Result<HttpResponse> Call(std::string_view method, const std::string& path,
                            std::string_view body = {}, std::string_view content_type = {},
                            std::string_view accept = "application/json");
  // One GET whose every HTTP status is a response, not an error, and without retries: for
  // health endpoints (/readyz?verbose), whose failing answer is the information wanted.
  Result<HttpResponse> GetRaw(const std::string& path, std::string_view accept = "text/plain");
  // A stop request ends the stream within about a second (not an error).
  Result<HttpResponse> Stream(const std::string& path, Duration idle_timeout,
                              const std::function<StreamControl(std::string_view)>& on_chunk,
                              std::stop_token stop = {});

 private:
  HttpRequest MakeRequest(std::string_view method, const std::string& path, std::string_view body,
                          std::string_view content_type, std::string_view accept);
  Result<nlohmann::json> Put(const ResourceType& type, const nlohmann::json& object,
                             std::string_view subresource, const WriteOptions& options);
  void Count(std::string_view verb, const Result<HttpResponse>& response,
             std::chrono::steady_clock::duration latency) const;
  Result<nlohmann::json> CallJson(std::string_view method, const std::string& path,
                                  std::string_view body = {}, std::string_view content_type = {});

  std::string server_;
  std::shared_ptr<HttpTransport> transport_;
  std::unique_ptr<CredentialSource> credentials_;
  ClientOptions options_;
  TokenBucket limiter_;
};

}  // namespace kdiag
