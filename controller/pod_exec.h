// Exec and attach into pods over WebSockets, offering v5.channel.k8s.io and falling back to
// v4.channel.k8s.io: a call that runs a command to completion and collects its output and
// exit code, and sessions for interactive use (stdin, terminal resizes, output as it comes).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/api_error.h"
#include "controller/channel_protocol.h"
#include "controller/credentials.h"
#include "controller/duration.h"
#include "controller/http_transport.h"
#include "controller/kubeconfig.h"

namespace kdiag {

enum class PodStreamVerb { kExec, kAttach };

struct PodStreamRequest {
  PodStreamVerb verb = PodStreamVerb::kExec;
  std::string ns;
  std::string pod;
  std::string container;             // empty: the pod's default container
  std::vector<std::string> command;  // exec: the program and its arguments; attach: unused
  bool withStdin = false;
  bool withStdout = true;
  bool withStderr = true;  // not asked for with tty: the terminal merges it into stdout
  bool tty = false;
};

// The path and query of the upgrade request:
// /api/v1/namespaces/NS/pods/NAME/exec?command=..&command=..&container=..&stdin=true&...
std::string PodStreamPath(const PodStreamRequest& request);

struct PodStreamOptions {
  Duration connectTimeout = std::chrono::seconds(30);  // until the upgrade is done
  // Output received and not yet taken by Read(). Above it the session stops reading from the
  // network, so the server holds the command's output back.
  size_t maxBufferedOutput = 1 << 20;
  // Input queued and not yet sent; WriteStdin waits while this much is queued.
  size_t maxQueuedInput = 1 << 20;
  // Offered in this order of preference. Offering v4 alone is for servers whose v5 is broken.
  std::vector<ChannelProtocol> protocols = {ChannelProtocol::kV5, ChannelProtocol::kV4};
};

struct OutputChunk {
  Channel channel = Channel::kStdout;  // kStdout or kStderr
  std::string data;
};

// An open exec or attach. Every method may be called from any thread, concurrently (one
// thread writing stdin while another reads output). Destroying the session closes it.
class PodStreamSession {
 public:
  virtual ~PodStreamSession() = default;

  // The subprotocol the server chose.
  virtual ChannelProtocol Protocol() const = 0;

  // Queues input for the command's stdin, waiting while maxQueuedInput bytes are queued. An
  // error once the session has ended or stdin was closed, or when stdin was not asked for.
  virtual Result<void> WriteStdin(std::string_view data) = 0;
  // The terminal's new size, for tty sessions.
  virtual Result<void> Resize(TerminalSize size) = 0;
  // Ends stdin after the input queued so far: the command reads end-of-file. Only v5 can do
  // this; under v4 it is a kBadRequest error, and stdin ends only with the session.
  virtual Result<void> CloseStdin() = 0;

  // The next piece of output, in the order the server sent it; nullopt once the session has
  // ended and all its output was read; a kTimeout error when nothing came within timeout.
  virtual Result<std::optional<OutputChunk>> Read(Duration timeout) = 0;

  // Waits until the command has ended: its exit status. Output that is never read holds the
  // server back, so read output to its end first (or ask for none). Errors: kTimeout when it
  // has not ended within timeout (the session stays open); kTransport when the connection
  // ended without a status; the Status's own error when the server reported a failure that
  // is not an exit code (say, the container is gone).
  virtual Result<ExitStatus> Wait(Duration timeout) = 0;

  // Ends the session now: the connection is closed and queued input dropped.
  virtual void Close() = 0;
};

struct RunOptions {
  // Sent as the command's stdin, then stdin is closed; stdin is attached only when this is not
  // empty. Under v4 stdin cannot be closed, so the command must stop reading by itself.
  std::string stdinData;
  Duration timeout = std::chrono::seconds(60);  // the whole call, connecting included
  size_t maxOutput = 4 << 20;  // per stream; output beyond it is dropped and `truncated` set
  PodStreamOptions stream;
};

struct ExecResult {
  std::string stdoutText;
  std::string stderrText;
  bool truncated = false;
  int exitCode = 0;
  std::string statusMessage;  // the server's words for a non-zero exit
  ChannelProtocol protocol = ChannelProtocol::kV5;
};

// Opens exec and attach sessions to one cluster. Thread-safe; sessions may outlive it.
class PodExecutor {
 public:
  virtual ~PodExecutor() = default;

  // Connects and upgrades. Errors: kForbidden when the user may not use pods/exec (or
  // pods/attach) on the pod, kNotFound for a missing pod, kBadRequest for a request the server
  // refuses (no such container, the pod is not running), kTransport when the server cannot be
  // reached, kTimeout when the upgrade takes longer than options.connectTimeout.
  virtual Result<std::unique_ptr<PodStreamSession>> Open(const PodStreamRequest& request,
                                                         const PodStreamOptions& options) = 0;

  // Runs a command (or attaches) to its end: stdin from options.stdinData, the output of
  // stdout and stderr as asked for in request, and the exit code. A non-zero exit code is a
  // result, not an error. kTimeout when it has not ended within options.timeout.
  virtual Result<ExecResult> Run(const PodStreamRequest& request, const RunOptions& options) = 0;
};

struct PodExecutorOptions {
  std::string userAgent = "kdiag";
};

// Sessions to the cluster of a configuration, authenticated as its client-go counterpart
// would be: client certificate, token (file), or exec plugin, with its CA or the system's.
Result<std::unique_ptr<PodExecutor>> MakePodExecutor(const ClusterConfig& config,
                                                     PodExecutorOptions options = {});
// The same with any server address, TLS settings and credentials (server: https://host:port,
// optionally followed by a path prefix).
Result<std::unique_ptr<PodExecutor>> MakePodExecutor(const std::string& server,
                                                     const TlsSettings& tls,
                                                     std::unique_ptr<CredentialSource> credentials,
                                                     PodExecutorOptions options = {});

}  // namespace kdiag
