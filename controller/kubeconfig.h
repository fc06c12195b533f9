// Where the API server is and how to authenticate to it: from a kubeconfig file or from the
// pod's in-cluster environment. Plain data; credentials that change over time (token files,
// exec plugins) are read by credentials.h, not here.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace kdiag {

// An exec credential plugin (client.authentication.k8s.io), e.g. a cloud's auth helper.
struct ExecPluginConfig {
  std::string apiVersion;
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  bool provideClusterInfo = false;
};

struct ClusterConfig {
  std::string server;  // https://host:port, no trailing slash
  std::string defaultNamespace = "default";

  // TLS. PEM text; files are read when the configuration is loaded.
  std::string caPem;  // empty: the system's trust store
  bool insecureSkipTlsVerify = false;
  std::string tlsServerName;
  std::string clientCertPem;
  std::string clientKeyPem;
  std::string clientCertFile;  // kept so rotated certificates can be re-read
  std::string clientKeyFile;

  // Authentication besides client certificates; at most one is set.
  std::string token;
  std::string tokenFile;  // re-read periodically and on 401 (ServiceAccount tokens rotate)
  std::optional<ExecPluginConfig> exec;
  std::string username;  // basic authentication
  std::string password;
};

// A kubeconfig that cannot be used; the message names the file and the field.
class KubeconfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads a kubeconfig. context empty: its current-context. Relative file paths in it are
// relative to the file's directory, as kubectl reads them.
ClusterConfig LoadKubeconfig(const std::string& path, const std::string& context = "");
// The same from text; source names it in errors and base_dir resolves relative paths.
ClusterConfig ParseKubeconfig(const std::string& yaml, const std::string& source,
                              const std::string& base_dir, const std::string& context = "");

// The configuration of a pod: KUBERNETES_SERVICE_HOST/PORT, the ServiceAccount token file, CA
// and namespace under root (normally /var/run/secrets/kubernetes.io/serviceaccount).
ClusterConfig InClusterConfig(
    const std::map<std::string, std::string>& environment,
    const std::string& root = "/var/run/secrets/kubernetes.io/serviceaccount");

// The usual order: an explicit kubeconfig path; else $KUBECONFIG (the first file of the list);
// else in-cluster when running in a pod; else ~/.kube/config.
ClusterConfig LoadClusterConfig(const std::string& kubeconfig_path, const std::string& context);

}  // namespace kdiag
