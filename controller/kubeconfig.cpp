#include "controller/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>

#include "controller/base64.h"
#include "controller/file_text.h"

namespace kdiag {
namespace {

std::string ReadFile(const std::string& path, const std::string& what) {
  auto text = ReadFileText(path);
  if (!text) throw KubeconfigError(what + ": cannot read " + path);
  return std::move(*text);
}

// Reads the fields of one kubeconfig section, naming them in errors.
class Fields {
 public:
  Fields(const YAML::Node& node, std::string path, const std::string& source)
      : node_(node), path_(std::move(path)), source_(source) {
    if (node_ && !node_.IsMap()) Fail("", "must be a mapping");
  }

  std::string String(const std::string& key) const {
    const auto value = node_[key];
    if (!value || value.IsNull()) return "";
    if (!value.IsScalar()) Fail(key, "must be a string");
    return value.Scalar();
  }

  bool Bool(const std::string& key) const {
    const auto text = String(key);
    if (text.empty() || text == "false") return false;
    if (text == "true") return true;
    Fail(key, "'" + text + "' is not a boolean");
  }

  // A PEM value given either inline as base64 (key-data) or as a file (key).
  std::string Pem(const std::string& data_key, const std::string& file_key,
                  const std::string& base_dir, std::string* file_out = nullptr) const {
    const auto data = String(data_key);
    const auto file = String(file_key);
    if (!data.empty() && !file.empty()) Fail(data_key, "set together with " + file_key);
    if (!data.empty()) {
      auto decoded = DecodeBase64(data);
      if (!decoded) Fail(data_key, "is not valid base64");
      return *decoded;
    }
    if (file.empty()) return "";
    const auto resolved = Resolve(file, base_dir);
    if (file_out) *file_out = resolved;
    return ReadFile(resolved, Where(file_key));
  }

  static std::string Resolve(const std::string& path, const std::string& base_dir) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (std::filesystem::path(base_dir) / path).string();
  }

  std::string Where(const std::string& key) const {
    return source_ + ": " + path_ + (key.empty() ? "" : "." + key);
  }
  [[noreturn]] void Fail(const std::string& key, const std::string& reason) const {
    throw KubeconfigError(Where(key) + ": " + reason);
  }
  const YAML::Node& Yaml() const { return node_; }

 private:
  YAML::Node node_;
  std::string path_;
  const std::string& source_;
};

// Finds the entry called name in a list of {name, <field>} maps; returns its index or -1.
int FindNamed(const YAML::Node& list, const std::string& name) {
  if (!list || !list.IsSequence()) return -1;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto entry_name = list[i]["name"];
    if (entry_name && entry_name.IsScalar() && entry_name.Scalar() == name) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

ExecPluginConfig ReadExec(const Fields& exec, const std::string& list_path,
                          const std::string& source) {
  ExecPluginConfig plugin;
  plugin.apiVersion = exec.String("apiVersion");
  plugin.command = exec.String("command");
  if (plugin.command.empty()) exec.Fail("command", "is required");
  if (plugin.apiVersion.empty()) exec.Fail("apiVersion", "is required");
  if (const auto args = exec.Yaml()["args"]) {
    if (!args.IsSequence()) exec.Fail("args", "must be a list");
    for (const auto& arg : args) plugin.args.push_back(arg.as<std::string>());
  }
  if (const auto env = exec.Yaml()["env"]) {
    if (!env.IsSequence()) exec.Fail("env", "must be a list");
    for (size_t i = 0; i < env.size(); ++i) {
      const Fields var(env[i], list_path + ".env[" + std::to_string(i) + "]", source);
      plugin.env.emplace_back(var.String("name"), var.String("value"));
    }
  }
  plugin.provideClusterInfo = exec.Bool("provideClusterInfo");
  return plugin;
}

// kdiag never changes its own environment, so reading it is safe from any thread.
std::string Env(const char* name) {
  const char* value = std::getenv(name);  // NOLINT(concurrency-mt-unsafe)
  return value != nullptr ? value : "";
}

}  // namespace

ClusterConfig ParseKubeconfig(const std::string& yaml, const std::string& source,
                              const std::string& base_dir, const std::string& context) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw KubeconfigError(source + ":" + std::to_string(e.mark.line + 1) +
                          ": invalid YAML: " + e.msg);
  }
  if (!root.IsMap()) throw KubeconfigError(source + ": is not a kubeconfig (not a mapping)");
  const Fields top(root, "", source);

  const std::string context_name = context.empty() ? top.String("current-context") : context;
  if (context_name.empty()) {
    throw KubeconfigError(source + ": current-context is not set and no context was given");
  }
  const int context_index = FindNamed(root["contexts"], context_name);
  if (context_index < 0) {
    throw KubeconfigError(source + ": context \"" + context_name + "\" not found in contexts");
  }
  const std::string context_path = "contexts[" + std::to_string(context_index) + "].context";
  const Fields ctx(root["contexts"][context_index]["context"], context_path, source);

  ClusterConfig config;
  const auto ns = ctx.String("namespace");
  if (!ns.empty()) config.defaultNamespace = ns;

  const auto cluster_name = ctx.String("cluster");
  const int cluster_index = FindNamed(root["clusters"], cluster_name);
  if (cluster_index < 0) {
    ctx.Fail("cluster", "\"" + cluster_name + "\" not found in clusters");
  }
  const Fields cluster(root["clusters"][cluster_index]["cluster"],
                       "clusters[" + std::to_string(cluster_index) + "].cluster", source);
  config.server = cluster.String("server");
  if (config.server.empty()) cluster.Fail("server", "is required");
  if (!config.server.starts_with("https://") && !config.server.starts_with("http://")) {
    cluster.Fail("server", "'" + config.server + "' is not an http(s) URL");
  }
  while (config.server.ends_with('/')) config.server.pop_back();
  config.caPem = cluster.Pem("certificate-authority-data", "certificate-authority", base_dir);
  config.insecureSkipTlsVerify = cluster.Bool("insecure-skip-tls-verify");
  if (config.insecureSkipTlsVerify && !config.caPem.empty()) {
    cluster.Fail("insecure-skip-tls-verify", "set together with a certificate authority");
  }
  config.tlsServerName = cluster.String("tls-server-name");

  const auto user_name = ctx.String("user");
  if (user_name.empty()) return config;  // anonymous
  const int user_index = FindNamed(root["users"], user_name);
  if (user_index < 0) ctx.Fail("user", "\"" + user_name + "\" not found in users");
  const std::string user_path = "users[" + std::to_string(user_index) + "].user";
  const Fields user(root["users"][user_index]["user"], user_path, source);

  config.clientCertPem =
      user.Pem("client-certificate-data", "client-certificate", base_dir, &config.clientCertFile);
  config.clientKeyPem = user.Pem("client-key-data", "client-key", base_dir, &config.clientKeyFile);
  if (config.clientCertPem.empty() != config.clientKeyPem.empty()) {
    user.Fail(config.clientCertPem.empty() ? "client-certificate" : "client-key",
              "a client certificate and its key go together; one of them is missing");
  }
  config.token = user.String("token");
  config.tokenFile = Fields::Resolve(user.String("tokenFile"), base_dir);
  if (!config.tokenFile.empty() && config.token.empty()) {
    ReadFile(config.tokenFile, user.Where("tokenFile"));  // fail now, not at the first call
  }
  config.username = user.String("username");
  config.password = user.String("password");
  if (const auto exec = root["users"][user_index]["user"]["exec"]) {
    config.exec = ReadExec(Fields(exec, user_path + ".exec", source), user_path + ".exec", source);
  }
  if (root["users"][user_index]["user"]["auth-provider"]) {
    user.Fail("auth-provider",
              "legacy auth providers are not supported; use an exec credential plugin");
  }
  const int methods = !config.token.empty() + !config.tokenFile.empty() + config.exec.has_value() +
                      !config.username.empty();
  if (methods > 1) {
    user.Fail("", "sets more than one of token, tokenFile, exec and username/password");
  }
  return config;
}

ClusterConfig LoadKubeconfig(const std::string& path, const std::string& context) {
  const auto text = ReadFile(path, "kubeconfig");
  const auto dir = std::filesystem::absolute(path).parent_path().string();
  return ParseKubeconfig(text, path, dir, context);
}

ClusterConfig InClusterConfig(const std::map<std::string, std::string>& environment,
                              const std::string& root) {
  const auto host = environment.find("KUBERNETES_SERVICE_HOST");
  const auto port = environment.find("KUBERNETES_SERVICE_PORT");
  if (host == environment.end() || port == environment.end()) {
    throw KubeconfigError(
        "in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set");
  }
  ClusterConfig config;
  // An IPv6 service address needs brackets in a URL.
  const bool ipv6 = host->second.find(':') != std::string::npos;
  config.server =
      "https://" + (ipv6 ? "[" + host->second + "]" : host->second) + ":" + port->second;
  config.tokenFile = root + "/token";
  ReadFile(config.tokenFile, "in-cluster ServiceAccount token");
  config.caPem = ReadFile(root + "/ca.crt", "in-cluster CA");
  if (const auto ns = ReadFileText(root + "/namespace")) {
    config.defaultNamespace = ns->substr(0, ns->find_first_of(" \t\r\n"));
  }
  return config;
}

ClusterConfig LoadClusterConfig(const std::string& kubeconfig_path, const std::string& context) {
  if (!kubeconfig_path.empty()) return LoadKubeconfig(kubeconfig_path, context);
  if (const auto list = Env("KUBECONFIG"); !list.empty()) {
    return LoadKubeconfig(list.substr(0, list.find(':')), context);
  }
  if (!Env("KUBERNETES_SERVICE_HOST").empty() && context.empty()) {
    return InClusterConfig({{"KUBERNETES_SERVICE_HOST", Env("KUBERNETES_SERVICE_HOST")},
                            {"KUBERNETES_SERVICE_PORT", Env("KUBERNETES_SERVICE_PORT")}});
  }
  const auto home = Env("HOME");
  if (home.empty()) {
    throw KubeconfigError("no kubeconfig given, not in a cluster, and $HOME is not set");
  }
  return LoadKubeconfig(home + "/.kube/config", context);
}

}  // namespace kdiag
