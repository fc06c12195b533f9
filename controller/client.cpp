#include "controller/client.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <thread>

namespace kdiag {
namespace {

constexpr std::string_view kJson = "application/json";

// Appends "name=value" to a query being built ("?a=b&c=d").
void AddQuery(std::string& path, std::string_view name, std::string_view value) {
  if (value.empty()) return;
  path += path.find('?') == std::string::npos ? '?' : '&';
  path += name;
  path += '=';
  path += UrlEncode(value);
}

std::string WriteQuery(std::string path, std::string_view field_manager, bool dry_run) {
  AddQuery(path, "fieldManager", field_manager);
  if (dry_run) AddQuery(path, "dryRun", "All");
  return path;
}

Result<nlohmann::json> ParseJson(const HttpResponse& response) {
  auto json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    ApiError error;
    error.kind = ErrorKind::kDecode;
    error.httpCode = response.status;
    error.message = "the response is not JSON: " + response.body.substr(0, 200);
    return Unexpected(std::move(error));
  }
  return json;
}

std::optional<std::chrono::seconds> RetryAfter(const HttpResponse& response) {
  const auto it = response.headers.find("retry-after");
  if (it == response.headers.end()) return std::nullopt;
  try {
    return std::chrono::seconds(std::stoll(it->second));
  } catch (const std::exception&) {
    return std::nullopt;  // an HTTP date; the Status's retryAfterSeconds still applies
  }
}

std::string_view PatchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kApply:
      return "application/apply-patch+yaml";
  }
  return "application/merge-patch+json";
}

std::string MetadataField(const nlohmann::json& object, const char* field) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return "";
  return metadata->value(field, "");
}

ApiError MissingName() {
  ApiError error;
  error.kind = ErrorKind::kBadRequest;
  error.message = "the object has no metadata.name";
  return error;
}

}  // namespace

Client::Client(const ClusterConfig& config, ClientOptions options)
    : Client(config.server,
             MakeCurlTransport({config.caPem, config.insecureSkipTlsVerify, config.tlsServerName,
                                config.clientCertPem, config.clientKeyPem}),
             MakeCredentialSource(config), std::move(options)) {}

Client::Client(std::string server, std::shared_ptr<HttpTransport> transport,
               std::unique_ptr<CredentialSource> credentials, ClientOptions options)
    : server_(std::move(server)),
      transport_(std::move(transport)),
      credentials_(std::move(credentials)),
      options_(std::move(options)),
      limiter_(options_.qps, options_.burst) {}

HttpRequest Client::MakeRequest(std::string_view method, const std::string& path,
                                std::string_view body, std::string_view content_type,
                                std::string_view accept) {
  HttpRequest request;
  request.method = std::string(method);
  request.url = server_ + path;
  request.body = std::string(body);
  request.timeout = options_.timeout;
  request.headers.emplace_back("Accept", std::string(accept));
  request.headers.emplace_back("User-Agent", options_.userAgent);
  if (!content_type.empty()) {
    request.headers.emplace_back("Content-Type", std::string(content_type));
  }
  return request;
}

Result<HttpResponse> Client::GetRaw(const std::string& path, std::string_view accept) {
  HttpRequest request = MakeRequest("GET", path, {}, {}, accept);
  limiter_.Take();
  auto authorization = credentials_->Authorization();
  if (!authorization) return Unexpected(authorization.error());
  if (!authorization->empty()) request.headers.emplace_back("Authorization", *authorization);
  const auto started = std::chrono::steady_clock::now();
  auto response = transport_->Send(request);
  Count("GET", response, std::chrono::steady_clock::now() - started);
  return response;
}

Result<HttpResponse> Client::Call(std::string_view method, const std::string& path,
                                  std::string_view body, std::string_view content_type,
                                  std::string_view accept) {
  HttpRequest request = MakeRequest(method, path, body, content_type, accept);
  // A write without a precondition may have been applied before the connection broke.
  const bool idempotent = method == "GET" || method == "HEAD";
  bool refreshed_credentials = false;
  for (int attempt = 0;; ++attempt) {
    limiter_.Take();
    auto authorization = credentials_->Authorization();
    if (!authorization) return Unexpected(authorization.error());
    HttpRequest sent = request;
    if (!authorization->empty()) sent.headers.emplace_back("Authorization", *authorization);

    const auto started = std::chrono::steady_clock::now();
    auto response = transport_->Send(sent);
    Count(method, response, std::chrono::steady_clock::now() - started);
    ApiError error;
    if (!response) {
      error = response.error();
    } else if (response->status < 400) {
      return response;
    } else {
      error = ErrorFromResponse(response->status, response->body, RetryAfter(*response));
      if (error.kind == ErrorKind::kUnauthorized && !refreshed_credentials) {
        // The credential may have rotated under us: read it again once.
        credentials_->Invalidate();
        refreshed_credentials = true;
        --attempt;
        continue;
      }
    }
    const auto delay = options_.retry.Delay(attempt + 1, error, idempotent);
    if (!delay) return Unexpected(std::move(error));
    spdlog::debug("{} {}: {}; retrying in {}", method, path, error.Describe(),
                  FormatDuration(*delay));
    std::this_thread::sleep_for(*delay);
  }
}

Result<HttpResponse> Client::Stream(const std::string& path, Duration idle_timeout,
                                    const std::function<StreamControl(std::string_view)>& on_chunk,
                                    std::stop_token stop) {
  limiter_.Take();
  auto authorization = credentials_->Authorization();
  if (!authorization) return Unexpected(authorization.error());
  HttpRequest request = MakeRequest("GET", path, {}, {}, kJson);
  request.timeout = idle_timeout;
  request.cancel = std::move(stop);
  if (!authorization->empty()) request.headers.emplace_back("Authorization", *authorization);
  auto response = transport_->Stream(request, on_chunk);
  Count("WATCH", response, {});
  if (!response) return response;
  if (response->status >= 400) {
    auto error = ErrorFromResponse(response->status, response->body, RetryAfter(*response));
    if (error.kind == ErrorKind::kUnauthorized) credentials_->Invalidate();
    return Unexpected(std::move(error));
  }
  return response;
}

void Client::Count(std::string_view verb, const Result<HttpResponse>& response,
                   std::chrono::steady_clock::duration latency) const {
  if (options_.metrics == nullptr) return;
  std::string verb_label(verb);
  for (char& c : verb_label) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string code = response ? std::to_string(response->status) : "error";
  options_.metrics->apiRequests.Add({{"verb", verb_label}, {"code", code}}).Increment();
  // A stream's duration says how long it lasted, not how fast the server answered.
  if (verb_label != "watch") {
    options_.metrics->apiRequestSeconds.Add({{"verb", verb_label}}, LatencyBuckets())
        .Observe(Seconds(latency));
  }
}

Result<nlohmann::json> Client::CallJson(std::string_view method, const std::string& path,
                                        std::string_view body, std::string_view content_type) {
  auto response = Call(method, path, body, content_type);
  if (!response) return Unexpected(response.error());
  return ParseJson(*response);
}

Result<nlohmann::json> Client::Get(const ResourceType& type, std::string_view ns,
                                   std::string_view name, std::string_view subresource) {
  return CallJson("GET", type.Path(ns, name, subresource));
}

Result<ListPage> Client::List(const ResourceType& type, std::string_view ns,
                              const ListOptions& options) {
  std::string path = type.Path(ns);
  AddQuery(path, "labelSelector", options.labelSelector);
  AddQuery(path, "fieldSelector", options.fieldSelector);
  if (options.limit > 0) AddQuery(path, "limit", std::to_string(options.limit));
  AddQuery(path, "continue", options.continueToken);
  AddQuery(path, "resourceVersion", options.resourceVersion);
  auto json = CallJson("GET", path);
  if (!json) return Unexpected(json.error());
  ListPage page;
  if (auto items = json->find("items"); items != json->end() && items->is_array()) {
    page.items = std::move(*items);
  }
  if (auto metadata = json->find("metadata"); metadata != json->end() && metadata->is_object()) {
    page.resourceVersion = metadata->value("resourceVersion", "");
    page.continueToken = metadata->value("continue", "");
  }
  return page;
}

Result<ListPage> Client::ListAll(const ResourceType& type, std::string_view ns,
                                 ListOptions options) {
  ListPage all;
  while (true) {
    auto page = List(type, ns, options);
    if (!page) return page;
    for (auto& item : page->items) all.items.push_back(std::move(item));
    all.resourceVersion = page->resourceVersion;
    if (page->continueToken.empty()) return all;
    options.continueToken = page->continueToken;
  }
}

Result<nlohmann::json> Client::Create(const ResourceType& type, std::string_view ns,
                                      const nlohmann::json& object, const WriteOptions& options) {
  return CallJson("POST", WriteQuery(type.Path(ns), options.fieldManager, options.dryRun),
                  object.dump(), kJson);
}

Result<nlohmann::json> Client::Put(const ResourceType& type, const nlohmann::json& object,
                                   std::string_view subresource, const WriteOptions& options) {
  const auto name = MetadataField(object, "name");
  if (name.empty()) return Unexpected(MissingName());
  return CallJson("PUT",
                  WriteQuery(type.Path(MetadataField(object, "namespace"), name, subresource),
                             options.fieldManager, options.dryRun),
                  object.dump(), kJson);
}

Result<nlohmann::json> Client::Update(const ResourceType& type, const nlohmann::json& object,
                                      const WriteOptions& options) {
  return Put(type, object, {}, options);
}

Result<nlohmann::json> Client::UpdateStatus(const ResourceType& type, const nlohmann::json& object,
                                            const WriteOptions& options) {
  return Put(type, object, "status", options);
}

Result<nlohmann::json> Client::Patch(const ResourceType& type, std::string_view ns,
                                     std::string_view name, PatchType patch_type,
                                     std::string_view body, const PatchOptions& options) {
  std::string path =
      WriteQuery(type.Path(ns, name, options.subresource), options.fieldManager, options.dryRun);
  if (options.force) AddQuery(path, "force", "true");
  return CallJson("PATCH", path, body, PatchContentType(patch_type));
}

Result<nlohmann::json> Client::Apply(const ResourceType& type, const nlohmann::json& object,
                                     const PatchOptions& options) {
  const auto name = MetadataField(object, "name");
  if (name.empty()) return Unexpected(MissingName());
  if (options.fieldManager.empty()) {
    ApiError error;
    error.kind = ErrorKind::kBadRequest;
    error.message = "server-side apply needs a field manager";
    return Unexpected(std::move(error));
  }
  // JSON is YAML, so the object goes as it is.
  return Patch(type, MetadataField(object, "namespace"), name, PatchType::kApply, object.dump(),
               options);
}

Result<nlohmann::json> Client::Delete(const ResourceType& type, std::string_view ns,
                                      std::string_view name, const DeleteOptions& options) {
  nlohmann::json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  switch (options.propagation) {
    case Propagation::kBackground:
      body["propagationPolicy"] = "Background";
      break;
    case Propagation::kForeground:
      body["propagationPolicy"] = "Foreground";
      break;
    case Propagation::kOrphan:
      body["propagationPolicy"] = "Orphan";
      break;
    case Propagation::kDefault:
      break;
  }
  if (!options.preconditionUid.empty()) body["preconditions"]["uid"] = options.preconditionUid;
  if (!options.preconditionResourceVersion.empty()) {
    body["preconditions"]["resourceVersion"] = options.preconditionResourceVersion;
  }
  if (options.gracePeriodSeconds) body["gracePeriodSeconds"] = *options.gracePeriodSeconds;
  return CallJson("DELETE", type.Path(ns, name), body.dump(), kJson);
}

Result<std::string> Client::PodLogs(std::string_view ns, std::string_view pod,
                                    const LogOptions& options) {
  std::string path = resources::kPods.Path(ns, pod, "log");
  AddQuery(path, "container", options.container);
  if (options.tailLines) AddQuery(path, "tailLines", std::to_string(*options.tailLines));
  if (options.limitBytes) AddQuery(path, "limitBytes", std::to_string(*options.limitBytes));
  if (options.sinceSeconds) AddQuery(path, "sinceSeconds", std::to_string(*options.sinceSeconds));
  if (options.previous) AddQuery(path, "previous", "true");
  if (options.timestamps) AddQuery(path, "timestamps", "true");
  // The log is plain text; the server refuses an Accept it cannot match to a serializer.
  auto response = Call("GET", path, {}, {}, "*/*");
  if (!response) return Unexpected(response.error());
  return std::move(response->body);
}

Result<std::vector<ApiResource>> Client::ServerResources() {
  std::vector<ApiResource> out;
  // Aggregated discovery (GA since 1.30): every group, version and resource in two calls.
  constexpr std::string_view kAggregated =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
  for (const std::string prefix : {"/api", "/apis"}) {
    auto response = Call("GET", prefix, {}, {}, kAggregated);
    if (!response) return Unexpected(response.error());
    auto json = ParseJson(*response);
    if (!json) return Unexpected(json.error());
    if (json->value("kind", "") != "APIGroupDiscoveryList") {
      ApiError error;
      error.kind = ErrorKind::kDecode;
      error.message = "the server does not offer aggregated discovery (Kubernetes < 1.26)";
      return Unexpected(std::move(error));
    }
    for (const auto& group : json->value("items", nlohmann::json::array())) {
      const std::string group_name =
          group.value("metadata", nlohmann::json::object()).value("name", "");
      for (const auto& version : group.value("versions", nlohmann::json::array())) {
        for (const auto& resource : version.value("resources", nlohmann::json::array())) {
          ApiResource r;
          r.type = {group_name, version.value("version", ""), resource.value("resource", ""),
                    resource.value("scope", "") == "Namespaced"};
          r.kind = resource.value("responseKind", nlohmann::json::object()).value("kind", "");
          r.verbs = resource.value("verbs", std::vector<std::string>{});
          out.push_back(std::move(r));
        }
      }
    }
  }
  return out;
}

}  // namespace kdiag
