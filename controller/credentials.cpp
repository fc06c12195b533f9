#include "controller/credentials.h"

#include <fcntl.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <iomanip>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <system_error>

#include "controller/base64.h"
#include "controller/file_text.h"

extern char** environ;  // NOLINT: POSIX

namespace kdiag {
namespace {

std::string Trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

class StaticCredential final : public CredentialSource {
 public:
  explicit StaticCredential(std::string header) : header_(std::move(header)) {}
  Result<std::string> Authorization() override { return header_; }
  void Invalidate() override {}

 private:
  std::string header_;
};

std::string BasicAuthorization(const std::string& user, const std::string& password) {
  return "Basic " + EncodeBase64(user + ":" + password);
}

// A bearer token read from a file that its issuer rewrites (projected ServiceAccount tokens).
class TokenFileCredential final : public CredentialSource {
 public:
  TokenFileCredential(std::string path, SteadyNow now)
      : path_(std::move(path)), now_(std::move(now)) {}

  Result<std::string> Authorization() override {
    std::lock_guard lock(mutex_);
    const auto now = now_();
    if (!read_at_ || now - *read_at_ >= kTokenFileRefresh) Refresh(now);
    if (token_.empty()) {
      return Unexpected(
          MakeError(ErrorKind::kUnauthorized, "no token could be read from " + path_));
    }
    return "Bearer " + token_;
  }

  void Invalidate() override {
    std::lock_guard lock(mutex_);
    read_at_.reset();
  }

 private:
  void Refresh(std::chrono::steady_clock::time_point now) {
    read_at_ = now;
    const auto text = ReadFileText(path_);
    auto token = text ? Trim(*text) : std::string();
    if (token.empty()) {
      // Keep the last good token: the file may be between writes.
      spdlog::warn("cannot read the token file {}; keeping the previous token", path_);
      return;
    }
    token_ = std::move(token);
  }

  std::string path_;
  SteadyNow now_;
  std::mutex mutex_;
  std::string token_;
  std::optional<std::chrono::steady_clock::time_point> read_at_;
};

// Runs argv with extra environment, returns its standard output. Standard error goes to ours,
// where plugins print their hints.
Result<std::string> RunPlugin(const ExecPluginConfig& plugin, const std::string& exec_info) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  env_strings.reserve(env_strings.size() + plugin.env.size() + 1);
  for (const auto& [name, value] : plugin.env) env_strings.push_back(name + "=" + value);
  env_strings.push_back("KUBERNETES_EXEC_INFO=" + exec_info);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> args{plugin.command};
  args.insert(args.end(), plugin.args.begin(), plugin.args.end());
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::array<int, 2> out{};
  if (pipe(out.data()) != 0) {
    return Unexpected(
        MakeError(ErrorKind::kUnauthorized, "pipe: " + std::generic_category().message(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  const int spawned =
      posix_spawnp(&pid, plugin.command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    close(out[0]);
    return Unexpected(
        MakeError(ErrorKind::kUnauthorized, "cannot run exec credential plugin '" + plugin.command +
                                                "': " + std::generic_category().message(spawned)));
  }
  std::string output;
  std::array<char, 4096> buffer{};
  ssize_t n = 0;
  while ((n = read(out[0], buffer.data(), buffer.size())) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) output.append(buffer.data(), static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Unexpected(MakeError(ErrorKind::kUnauthorized,
                                "exec credential plugin '" + plugin.command + "' failed"));
  }
  return output;
}

// A token from an exec credential plugin (ExecCredential), cached until it expires.
class ExecCredential final : public CredentialSource {
 public:
  ExecCredential(ExecPluginConfig plugin, std::string server) : plugin_(std::move(plugin)) {
    nlohmann::json info = {{"apiVersion", plugin_.apiVersion},
                           {"kind", "ExecCredential"},
                           {"spec", {{"interactive", false}}}};
    if (plugin_.provideClusterInfo) info["spec"]["cluster"] = {{"server", std::move(server)}};
    exec_info_ = info.dump();
  }

  Result<std::string> Authorization() override {
    std::lock_guard lock(mutex_);
    if (!token_.empty() && std::chrono::system_clock::now() < expires_) return "Bearer " + token_;
    auto output = RunPlugin(plugin_, exec_info_);
    if (!output) return Unexpected(output.error());
    const auto credential = nlohmann::json::parse(*output, nullptr, false);
    const auto status =
        credential.is_object() ? credential.value("status", nlohmann::json()) : nlohmann::json();
    if (!status.is_object() || !status.contains("token")) {
      return Unexpected(MakeError(ErrorKind::kUnauthorized,
                                  "exec credential plugin '" + plugin_.command +
                                      "' returned no status.token (client certificates from "
                                      "plugins are not supported)"));
    }
    token_ = status.value("token", "");
    expires_ = std::chrono::system_clock::time_point::max();
    if (const auto at = status.value("expirationTimestamp", ""); !at.empty()) {
      std::tm tm{};
      std::istringstream in(at);
      in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
      if (!in.fail()) expires_ = std::chrono::system_clock::from_time_t(timegm(&tm));
    }
    return "Bearer " + token_;
  }

  void Invalidate() override {
    std::lock_guard lock(mutex_);
    token_.clear();
  }

 private:
  ExecPluginConfig plugin_;
  std::string exec_info_;
  std::mutex mutex_;
  std::string token_;
  std::chrono::system_clock::time_point expires_;
};

}  // namespace

std::unique_ptr<CredentialSource> MakeCredentialSource(const ClusterConfig& config, SteadyNow now) {
  if (!config.token.empty()) return std::make_unique<StaticCredential>("Bearer " + config.token);
  if (!config.tokenFile.empty()) {
    return std::make_unique<TokenFileCredential>(config.tokenFile, std::move(now));
  }
  if (config.exec) return std::make_unique<ExecCredential>(*config.exec, config.server);
  if (!config.username.empty()) {
    return std::make_unique<StaticCredential>(BasicAuthorization(config.username, config.password));
  }
  return std::make_unique<StaticCredential>("");
}

}  // namespace kdiag
