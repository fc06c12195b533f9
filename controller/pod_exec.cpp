#include "controller/pod_exec.h"

#include <libwebsockets.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "controller/client.h"
#include "controller/resource_type.h"
#include "controller/tls_context.h"

// One event loop thread serves every session of the process: libwebsockets 4.1 re-registers its
// OpenSSL bookkeeping whenever a context is created, which would break handshakes under way in
// other contexts, so there is only ever one context. Each executor gets a vhost of its own,
// holding its TLS settings. Everything libwebsockets is touched on the loop's thread only; the
// threads using sessions hand it work through a task queue and wait on condition variables.

namespace kdiag {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view Subresource(PodStreamVerb verb) {
  return verb == PodStreamVerb::kExec ? "exec" : "attach";
}

// The error of an upgrade the server answered with an HTTP error. libwebsockets does not read
// the body of such an answer, so the message is written here from the code.
ApiError UpgradeRefused(int http_code, const PodStreamRequest& request) {
  ApiError error = ErrorFromResponse(http_code, {});
  error.reason = std::string(ToString(error.kind));
  const std::string subresource = "pods/" + std::string(Subresource(request.verb));
  const std::string pod = request.ns + "/" + request.pod;
  switch (error.kind) {
    case ErrorKind::kForbidden:
      error.message = "the user may not use " + subresource + " on pod " + pod + " (a WebSocket " +
                      std::string(Subresource(request.verb)) + " needs the get verb on " +
                      subresource + ", and create on servers that check it)";
      break;
    case ErrorKind::kNotFound:
      error.message = "pod " + pod + " not found";
      break;
    case ErrorKind::kUnauthorized:
      error.message = "the server did not accept the credentials";
      break;
    default:
      error.message = "the server refused the upgrade to " + subresource + " of pod " + pod +
                      " with HTTP " + std::to_string(http_code) +
                      (http_code == 400 ? " (no such container, or the pod is not running)" : "");
  }
  return error;
}

// --- the server's address --------------------------------------------------------------------

struct ServerAddress {
  bool tls = true;
  std::string host;      // without brackets for IPv6
  std::string hostPort;  // as the Host header writes it
  int port = 443;
  std::string basePath;  // a path prefix before /api, without trailing slash
};

Result<ServerAddress> ParseServer(std::string_view server) {
  ServerAddress address;
  if (server.starts_with("https://")) {
    server.remove_prefix(8);
  } else if (server.starts_with("http://")) {
    server.remove_prefix(7);
    address.tls = false;
    address.port = 80;
  } else {
    return Unexpected(MakeError(
        ErrorKind::kBadRequest,
        "the server address " + std::string(server) + " does not start with https:// or http://"));
  }
  const auto slash = server.find('/');
  std::string_view authority = server.substr(0, slash);
  if (slash != std::string_view::npos) {
    address.basePath = std::string(server.substr(slash));
    while (address.basePath.ends_with('/')) address.basePath.pop_back();
  }
  address.hostPort = std::string(authority);
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return Unexpected(MakeError(ErrorKind::kBadRequest, "a malformed IPv6 server address"));
    }
    address.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    address.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (!port.empty()) {
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), address.port);
    if (error != std::errc() || end != port.data() + port.size() || address.port <= 0 ||
        address.port > 65535) {
      return Unexpected(
          MakeError(ErrorKind::kBadRequest, "a malformed server port: " + std::string(port)));
    }
  }
  if (address.host.empty()) {
    return Unexpected(MakeError(ErrorKind::kBadRequest, "the server address has no host"));
  }
  return address;
}

// --- the event loop --------------------------------------------------------------------------

class Connection;

class EventLoop {
 public:
  // The process's loop, started on first use and stopped when its last user is gone.
  static Result<std::shared_ptr<EventLoop>> Shared();

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop();

  // Runs task on the loop's thread, soon.
  void Post(std::function<void()> task);
  // Runs task on the loop's thread and returns what it returned.
  template <typename Task>
  auto Call(Task task) -> decltype(task()) {
    std::packaged_task<decltype(task())()> packaged(std::move(task));
    auto result = packaged.get_future();
    Post([&packaged] { packaged(); });
    return result.get();
  }

  lws_context* Context() const { return context_; }

  // The loop keeps a connection alive while libwebsockets has it (loop thread only).
  void Adopt(const std::shared_ptr<Connection>& connection);
  void Forget(Connection* connection);

 private:
  EventLoop() = default;
  void Run();

  lws_context* context_ = nullptr;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::unordered_map<Connection*, std::shared_ptr<Connection>> connections_;  // loop thread
};

int OnLwsEvent(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);

// Both names bind to the one callback: libwebsockets looks up the protocol the server chose
// among the vhost's protocols by name.
constexpr size_t kReceiveBuffer = size_t{64} * 1024;
const lws_protocols kProtocols[] = {
    {"v5.channel.k8s.io", OnLwsEvent, 0, kReceiveBuffer, 0, nullptr, 0},
    {"v4.channel.k8s.io", OnLwsEvent, 0, kReceiveBuffer, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

std::mutex& LoopLifecycleMutex() {
  static std::mutex mutex;
  return mutex;
}

void LogFromLws(int level, const char* line) {
  std::string_view text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  // Failures reach callers as typed errors; the library's own words help when debugging.
  spdlog::debug("libwebsockets ({}): {}", level == LLL_ERR ? "error" : "warning", text);
}

// --- one connection ------------------------------------------------------------------------

struct ConnectionSettings {
  ServerAddress server;
  lws_vhost* vhost = nullptr;
  std::string tlsServerName;  // Host header and SNI when set
  bool insecure = false;
  std::string path;
  std::vector<ChannelProtocol> protocols;
  std::string authorization;
  std::string userAgent;
  size_t maxBufferedOutput = 0;
  size_t maxQueuedInput = 0;
  PodStreamRequest request;  // for error messages and checks
};

// The state of one connection, shared between the loop's thread (the libwebsockets callbacks)
// and the threads using its session. Members marked "loop thread" are touched only there; the
// rest only under mutex_.
class Connection final : public ChannelSink, public std::enable_shared_from_this<Connection> {
 public:
  Connection(EventLoop& loop, ConnectionSettings settings)
      : loop_(loop), settings_(std::move(settings)) {
    for (const auto protocol : settings_.protocols) {
      if (!offered_.empty()) offered_ += ", ";
      offered_ += ProtocolName(protocol);
    }
  }

  bool IsInsecure() const { return settings_.insecure; }

  // Why OpenSSL refused the server's certificate (loop thread), for the error to name it:
  // libwebsockets reports only that the handshake failed.
  void NoteCertificateProblem(std::string problem) {
    if (certificate_problem_.empty()) certificate_problem_ = std::move(problem);
  }

  // --- loop thread

  void Connect() {
    host_ = settings_.tlsServerName.empty() ? settings_.server.hostPort : settings_.tlsServerName;
    lws_client_connect_info info{};
    info.context = loop_.Context();
    info.vhost = settings_.vhost;
    info.address = settings_.server.host.c_str();
    info.port = settings_.server.port;
    info.path = settings_.path.c_str();
    info.host = host_.c_str();
    info.protocol = offered_.c_str();
    info.local_protocol_name = ProtocolName(settings_.protocols.front()).data();
    info.alpn = "http/1.1";  // an upgrade needs HTTP/1.1
    info.userdata = this;
    info.pwsi = &wsi_;
    if (settings_.server.tls) {
      // The name is checked by the TLS context itself (see MakeClientTlsContext).
      info.ssl_connection = LCCSCF_USE_SSL | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
      if (settings_.insecure) {
        info.ssl_connection |=
            LCCSCF_ALLOW_SELFSIGNED | LCCSCF_ALLOW_INSECURE | LCCSCF_ALLOW_EXPIRED;
      }
    }
    loop_.Adopt(shared_from_this());
    if (lws_client_connect_via_info(&info) == nullptr) {
      wsi_ = nullptr;
      End(TransportError(Where() + ": the connection could not be started", false));
      loop_.Forget(this);
    }
  }

  int OnEvent(lws* wsi, lws_callback_reasons reason, void* in, size_t len) {
    switch (reason) {
      case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        return AppendHeaders(wsi, static_cast<unsigned char**>(in), len);
      case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH:
        return OnUpgraded(wsi);
      case LWS_CALLBACK_CLIENT_ESTABLISHED:
        return OnEstablished(wsi);
      case LWS_CALLBACK_CLIENT_RECEIVE:
        return OnReceive(wsi, std::string_view(static_cast<const char*>(in), len));
      case LWS_CALLBACK_CLIENT_WRITEABLE:
        return OnWritable(wsi);
      case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        OnConnectionError(wsi, in, len);
        return 0;
      case LWS_CALLBACK_CLIENT_CLOSED:
        End(TransportError(Where() + ": the connection closed before the exit status arrived",
                           false));
        return 0;
      default:
        return 0;
    }
  }

  void OnDestroyed() {
    wsi_ = nullptr;
    End(TransportError(Where() + ": the connection closed", false));
  }

  // There is something to send.
  void Wake() {
    if (wsi_ != nullptr && established_) lws_callback_on_writable(wsi_);
  }

  void ResumeReading() {
    if (wsi_ != nullptr && established_) lws_rx_flow_control(wsi_, 1);
  }

  void Kill() {
    if (wsi_ == nullptr) return;
    if (!established_) {
      lws_set_timeout(wsi_, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
      return;
    }
    {
      std::lock_guard lock(mutex_);
      closing_ = true;
    }
    lws_callback_on_writable(wsi_);
    // Should the close message not get out (a server that stopped reading), drop the socket.
    lws_set_timeout(wsi_, PENDING_TIMEOUT_USER_OK, 5);
  }

  // --- any thread

  // Waits for the upgrade: the protocol the server chose, or why there is none.
  Result<ChannelProtocol> WaitOpen(Duration timeout) {
    std::unique_lock lock(mutex_);
    const bool decided =
        changed_.wait_for(lock, timeout, [&] { return protocol_ || phase_ == Phase::kEnded; });
    if (protocol_) return *protocol_;
    if (decided) {
      return Unexpected(failure_.value_or(MakeError(ErrorKind::kOther, "not connected")));
    }
    lock.unlock();
    Close();
    return Unexpected(TransportError(Where() + ": the upgrade to " +
                                         std::string(Subresource(settings_.request.verb)) +
                                         " took longer than " + FormatDuration(timeout),
                                     /*timed_out=*/true));
  }

  ChannelProtocol Protocol() const {
    std::lock_guard lock(mutex_);
    return protocol_.value_or(ChannelProtocol::kV4);
  }

  Result<void> WriteStdin(std::string_view data, bool wait_for_room) {
    if (!settings_.request.withStdin) {
      return Unexpected(MakeError(ErrorKind::kBadRequest, "the session was opened without stdin"));
    }
    {
      std::unique_lock lock(mutex_);
      if (wait_for_room) {
        changed_.wait(lock, [&] {
          return phase_ != Phase::kOpen || queued_input_ < settings_.maxQueuedInput;
        });
      }
      if (auto usable = UsableLocked(); !usable) return usable;
      if (stdin_closed_) return Unexpected(MakeError(ErrorKind::kBadRequest, "stdin is closed"));
      for (size_t at = 0; at < data.size(); at += kMaxStdinFrame) {
        QueueLocked(EncodeStdin(data.substr(at, kMaxStdinFrame)));
      }
    }
    PostWake();
    return {};
  }

  Result<void> Resize(TerminalSize size) {
    {
      std::lock_guard lock(mutex_);
      if (auto usable = UsableLocked(); !usable) return usable;
      QueueLocked(EncodeResize(size));
    }
    PostWake();
    return {};
  }

  Result<void> CloseStdin() {
    if (!settings_.request.withStdin) {
      return Unexpected(MakeError(ErrorKind::kBadRequest, "the session was opened without stdin"));
    }
    {
      std::lock_guard lock(mutex_);
      if (auto usable = UsableLocked(); !usable) return usable;
      auto message = EncodeCloseStdin(*protocol_);
      if (!message) return Unexpected(message.error());
      if (stdin_closed_) return {};
      stdin_closed_ = true;
      QueueLocked(std::move(*message));
    }
    PostWake();
    return {};
  }

  Result<std::optional<OutputChunk>> Read(Duration timeout) {
    std::unique_lock lock(mutex_);
    const bool ready = changed_.wait_for(lock, timeout, [&] {
      return !output_.empty() || status_.has_value() || phase_ == Phase::kEnded;
    });
    if (!ready) {
      return Unexpected(TransportError("no output within " + FormatDuration(timeout), true));
    }
    if (output_.empty()) return std::optional<OutputChunk>();
    OutputChunk chunk = std::move(output_.front());
    output_.pop_front();
    buffered_output_ -= chunk.data.size();
    const bool resume = paused_ && buffered_output_ <= settings_.maxBufferedOutput / 2;
    if (resume) paused_ = false;
    lock.unlock();
    if (resume) loop_.Post([self = shared_from_this()] { self->ResumeReading(); });
    return chunk;
  }

  Result<ExitStatus> Wait(Duration timeout) {
    std::unique_lock lock(mutex_);
    const bool ended = changed_.wait_for(
        lock, timeout, [&] { return status_.has_value() || phase_ == Phase::kEnded; });
    if (!ended) {
      return Unexpected(TransportError(
          std::string(Subresource(settings_.request.verb)) + " in pod " + settings_.request.ns +
              "/" + settings_.request.pod + " has not ended within " + FormatDuration(timeout),
          true));
    }
    if (status_) return *status_;
    return Unexpected(failure_.value_or(MakeError(ErrorKind::kOther, "the session has ended")));
  }

  void Close() {
    {
      std::lock_guard lock(mutex_);
      if (phase_ != Phase::kEnded) {
        phase_ = Phase::kEnded;
        if (!failure_) failure_ = MakeError(ErrorKind::kOther, "the session was closed");
      }
      outgoing_.clear();
      queued_input_ = 0;
    }
    changed_.notify_all();
    loop_.Post([self = shared_from_this()] { self->Kill(); });
  }

  // --- ChannelSink: called by the decoder, on the loop thread

  void OnOutput(Channel channel, std::string_view data) override {
    {
      std::lock_guard lock(mutex_);
      if (phase_ == Phase::kEnded) return;  // closed by its user: nobody reads any more
      // Small pieces of one stream are joined, so a chatty command makes fewer chunks.
      if (!output_.empty() && output_.back().channel == channel &&
          output_.back().data.size() + data.size() <= kReceiveBuffer) {
        output_.back().data += data;
      } else {
        output_.push_back({channel, std::string(data)});
      }
      buffered_output_ += data.size();
    }
    changed_.notify_all();
  }

  void OnStatus(Result<ExitStatus> status) override {
    {
      std::lock_guard lock(mutex_);
      if (!status_) status_ = std::move(status);
    }
    changed_.notify_all();
  }

  void OnStreamClosed(Channel channel) override {
    spdlog::debug("{}: the server closed stream {}", Where(), static_cast<int>(channel));
  }

 private:
  enum class Phase { kConnecting, kOpen, kEnded };

  std::string Where() const {
    return std::string(Subresource(settings_.request.verb)) + " " + settings_.request.ns + "/" +
           settings_.request.pod + " via " + settings_.server.hostPort;
  }

  // Ends the connection's life as seen by its users; the first reason given stays.
  void End(ApiError reason) {
    {
      std::lock_guard lock(mutex_);
      phase_ = Phase::kEnded;
      if (!failure_) failure_ = std::move(reason);
    }
    changed_.notify_all();
  }

  Result<void> UsableLocked() const {
    if (phase_ == Phase::kOpen) return {};
    if (status_) {
      return Unexpected(MakeError(ErrorKind::kOther, Where() + ": the command has ended"));
    }
    return Unexpected(failure_.value_or(MakeError(ErrorKind::kOther, "the session has ended")));
  }

  void QueueLocked(std::string_view message) {
    queued_input_ += message.size();
    // libwebsockets writes its frame header into the room before the payload.
    std::string frame(LWS_PRE, '\0');
    frame += message;
    outgoing_.push_back(std::move(frame));
  }

  void PostWake() {
    loop_.Post([self = shared_from_this()] { self->Wake(); });
  }

  int AppendHeaders(lws* wsi, unsigned char** position, size_t room) {
    unsigned char* end = *position + room;
    const auto add = [&](const char* name, const std::string& value) {
      return value.empty() ||
             lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(name),
                                         reinterpret_cast<const unsigned char*>(value.data()),
                                         static_cast<int>(value.size()), position, end) == 0;
    };
    if (!add("Authorization:", settings_.authorization) ||
        !add("User-Agent:", settings_.userAgent)) {
      End(MakeError(ErrorKind::kBadRequest, Where() + ": the request headers do not fit in " +
                                                std::to_string(room) + " bytes"));
      return -1;
    }
    return 0;
  }

  // The response's headers are gone by the time the connection is established: the protocol
  // the server chose is read here.
  int OnUpgraded(lws* wsi) {
    std::array<char, 64> name{};
    const int length =
        lws_hdr_copy(wsi, name.data(), static_cast<int>(name.size()), WSI_TOKEN_PROTOCOL);
    chosen_ = length > 0 ? ParseProtocolName(std::string_view(name.data(), length)) : std::nullopt;
    if (!chosen_ || std::find(settings_.protocols.begin(), settings_.protocols.end(), *chosen_) ==
                        settings_.protocols.end()) {
      End(MakeError(ErrorKind::kDecode, Where() + ": the server chose none of the protocols " +
                                            offered_ + " (it answered \"" +
                                            std::string(name.data()) + "\")"));
      return -1;
    }
    return 0;
  }

  int OnEstablished(lws* wsi) {
    if (!chosen_) {
      End(MakeError(ErrorKind::kDecode, Where() + ": the server's choice of protocol went unseen"));
      return -1;
    }
    const ChannelProtocol chosen = *chosen_;
    established_ = true;
    decoder_.emplace(chosen);
    bool pending = false;
    {
      std::lock_guard lock(mutex_);
      protocol_ = chosen;
      if (phase_ == Phase::kConnecting) phase_ = Phase::kOpen;
      pending = !outgoing_.empty() || closing_;
    }
    changed_.notify_all();
    if (pending) lws_callback_on_writable(wsi);
    return 0;
  }

  int OnReceive(lws* wsi, std::string_view data) {
    if (!decoder_) return 0;
    auto fed = decoder_->Feed(data, lws_is_final_fragment(wsi) != 0, *this);
    if (!fed) {
      fed.error().message = Where() + ": " + fed.error().message;
      End(std::move(fed.error()));
      return -1;
    }
    bool pause = false;
    {
      std::lock_guard lock(mutex_);
      pause = !paused_ && buffered_output_ > settings_.maxBufferedOutput;
      if (pause) paused_ = true;
    }
    // Bounded memory: the server's output waits in TCP until the reader catches up.
    if (pause) lws_rx_flow_control(wsi, 0);
    return 0;
  }

  int OnWritable(lws* wsi) {
    std::string frame;
    bool more = false;
    bool close = false;
    {
      std::lock_guard lock(mutex_);
      close = closing_;
      if (!close && !outgoing_.empty()) {
        frame = std::move(outgoing_.front());
        outgoing_.pop_front();
        queued_input_ -= frame.size() - LWS_PRE;
        more = !outgoing_.empty();
      }
    }
    if (close) {
      lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, nullptr, 0);
      return -1;
    }
    if (frame.empty()) return 0;
    changed_.notify_all();  // room in the input queue
    const size_t size = frame.size() - LWS_PRE;
    auto* payload = reinterpret_cast<unsigned char*>(frame.data()) + LWS_PRE;
    if (lws_write(wsi, payload, size, LWS_WRITE_BINARY) < static_cast<int>(size)) {
      End(TransportError(Where() + ": writing to the connection failed", false));
      return -1;
    }
    if (more) lws_callback_on_writable(wsi);
    return 0;
  }

  void OnConnectionError(lws* wsi, void* in, size_t len) {
    std::string what = "the connection failed";
    if (in != nullptr) {
      what = len > 0 ? std::string(static_cast<const char*>(in), len)
                     : std::string(static_cast<const char*>(in));
    }
    unsigned int http_code = wsi != nullptr ? lws_http_client_http_response(wsi) : 0;
    if (http_code == 0 && what.find("unauthorized") != std::string::npos) http_code = 401;
    if (http_code >= 300) {
      End(UpgradeRefused(static_cast<int>(http_code), settings_.request));
    } else if (!certificate_problem_.empty()) {
      End(TransportError(
          Where() + ": the server's certificate was refused: " + certificate_problem_, false));
    } else {
      End(TransportError(Where() + ": " + what, false));
    }
  }

  EventLoop& loop_;
  const ConnectionSettings settings_;
  std::string offered_;  // "v5.channel.k8s.io, v4.channel.k8s.io"

  // Loop thread.
  std::string host_;
  lws* wsi_ = nullptr;
  std::optional<ChannelProtocol> chosen_;
  bool established_ = false;
  std::string certificate_problem_;
  std::optional<ChannelDecoder> decoder_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  Phase phase_ = Phase::kConnecting;
  std::optional<ChannelProtocol> protocol_;
  std::optional<ApiError> failure_;
  std::optional<Result<ExitStatus>> status_;
  std::deque<std::string> outgoing_;  // frames with LWS_PRE bytes of room in front
  size_t queued_input_ = 0;
  bool stdin_closed_ = false;
  bool closing_ = false;
  std::deque<OutputChunk> output_;
  size_t buffered_output_ = 0;
  bool paused_ = false;
};

// --- the loop's implementation ----------------------------------------------------------------

Result<std::shared_ptr<EventLoop>> EventLoop::Shared() {
  static std::weak_ptr<EventLoop> current;
  std::lock_guard lock(LoopLifecycleMutex());
  if (auto loop = current.lock()) return loop;

  static std::once_flag logging;
  std::call_once(logging, [] { lws_set_log_level(LLL_ERR | LLL_WARN, LogFromLws); });

  std::shared_ptr<EventLoop> loop(new EventLoop());
  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  info.gid = -1;
  info.uid = -1;
  info.user = loop.get();
  // The lookup table of sockets is sized by this, not by the process's (possibly huge) limit.
  info.fd_limit_per_thread = 1024;
  // Room for long bearer tokens and long command lines in the upgrade request.
  info.pt_serv_buf_size = 32 * 1024;
  info.max_http_header_data = 32 * 1024;
  loop->context_ = lws_create_context(&info);
  if (loop->context_ == nullptr) {
    return Unexpected(MakeError(ErrorKind::kOther, "libwebsockets could not create its context"));
  }
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  current = loop;
  return loop;
}

EventLoop::~EventLoop() {
  if (context_ == nullptr) return;  // never started
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  lws_cancel_service(context_);
  thread_.join();
  // Not while another loop is being created: see the comment at the top.
  std::lock_guard lifecycle(LoopLifecycleMutex());
  lws_context_destroy(context_);
  connections_.clear();
}

void EventLoop::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  lws_cancel_service(context_);
}

void EventLoop::Adopt(const std::shared_ptr<Connection>& connection) {
  connections_.emplace(connection.get(), connection);
}

void EventLoop::Forget(Connection* connection) { connections_.erase(connection); }

void EventLoop::Run() {
  while (true) {
    // Tasks run between services, never inside a libwebsockets callback, so they may create
    // and destroy vhosts and connections freely.
    const int serviced = lws_service(context_, 0);
    std::vector<std::function<void()>> tasks;
    bool stop = false;
    {
      std::lock_guard lock(mutex_);
      tasks.swap(tasks_);
      stop = stopping_;
    }
    for (auto& task : tasks) task();
    if (stop) return;
    if (serviced < 0) {
      spdlog::warn("libwebsockets' event loop failed to service its sockets");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

int OnLwsEvent(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  auto* connection = wsi != nullptr ? static_cast<Connection*>(lws_wsi_user(wsi)) : nullptr;
  switch (reason) {
    case LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION: {
      // Here user is OpenSSL's X509_STORE_CTX and len says whether the certificate verified.
      auto* verification = static_cast<X509_STORE_CTX*>(user);
      if (connection != nullptr && connection->IsInsecure()) {
        X509_STORE_CTX_set_error(verification, X509_V_OK);
        return 0;
      }
      if (len != 0) return 0;
      if (connection != nullptr) {
        connection->NoteCertificateProblem(
            X509_verify_cert_error_string(X509_STORE_CTX_get_error(verification)));
      }
      return 1;
    }
    case LWS_CALLBACK_WSI_DESTROY:
      if (connection != nullptr) {
        connection->OnDestroyed();
        static_cast<EventLoop*>(lws_context_user(lws_get_context(wsi)))->Forget(connection);
      }
      return 0;
    default:
      return connection != nullptr ? connection->OnEvent(wsi, reason, in, len) : 0;
  }
}

// --- one executor's server ---------------------------------------------------------------------

// A vhost of the loop with the TLS context of one server.
class Endpoint {
 public:
  static Result<std::shared_ptr<Endpoint>> Make(ServerAddress server, const TlsSettings& tls) {
    auto loop = EventLoop::Shared();
    if (!loop) return Unexpected(loop.error());
    TlsContext ssl;
    if (server.tls) {
      const std::string name = tls.serverName.empty() ? server.host : tls.serverName;
      auto made = MakeClientTlsContext(tls, name);
      if (!made) return Unexpected(made.error());
      ssl = std::move(*made);
    }
    static std::atomic<int> count{0};
    const std::string name = "kdiag-pod-stream-" + std::to_string(++count);
    lws_vhost* vhost = (*loop)->Call([&] {
      lws_context_creation_info info{};
      info.port = CONTEXT_PORT_NO_LISTEN;
      info.protocols = kProtocols;
      info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
      info.vhost_name = name.c_str();
      info.provided_client_ssl_ctx = ssl.get();
      return lws_create_vhost((*loop)->Context(), &info);
    });
    if (vhost == nullptr) {
      return Unexpected(MakeError(ErrorKind::kOther, "libwebsockets could not create a vhost"));
    }
    return std::shared_ptr<Endpoint>(
        new Endpoint(std::move(*loop), vhost, std::move(ssl), std::move(server), tls));
  }

  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  ~Endpoint() {
    // The vhost closes its connections; their SSL objects hold references to the context.
    loop_->Post([vhost = vhost_, ssl = ssl_.release()] {
      lws_vhost_destroy(vhost);
      SSL_CTX_free(ssl);
    });
  }

  EventLoop& Loop() const { return *loop_; }
  lws_vhost* Vhost() const { return vhost_; }
  const ServerAddress& Server() const { return server_; }
  const TlsSettings& Tls() const { return tls_; }

 private:
  Endpoint(std::shared_ptr<EventLoop> loop, lws_vhost* vhost, TlsContext ssl, ServerAddress server,
           TlsSettings tls)
      : loop_(std::move(loop)),
        vhost_(vhost),
        ssl_(std::move(ssl)),
        server_(std::move(server)),
        tls_(std::move(tls)) {}

  std::shared_ptr<EventLoop> loop_;
  lws_vhost* vhost_;
  TlsContext ssl_;
  ServerAddress server_;
  TlsSettings tls_;
};

// What users hold: closes the connection when dropped, and keeps the vhost (and so the loop)
// alive as long as the connection may need it.
class Session final : public PodStreamSession {
 public:
  Session(std::shared_ptr<Endpoint> endpoint, std::shared_ptr<Connection> connection)
      : endpoint_(std::move(endpoint)), connection_(std::move(connection)) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() override { connection_->Close(); }

  ChannelProtocol Protocol() const override { return connection_->Protocol(); }
  Result<void> WriteStdin(std::string_view data) override {
    return connection_->WriteStdin(data, /*wait_for_room=*/true);
  }
  Result<void> Resize(TerminalSize size) override { return connection_->Resize(size); }
  Result<void> CloseStdin() override { return connection_->CloseStdin(); }
  Result<std::optional<OutputChunk>> Read(Duration timeout) override {
    return connection_->Read(timeout);
  }
  Result<ExitStatus> Wait(Duration timeout) override { return connection_->Wait(timeout); }
  void Close() override { connection_->Close(); }

  Connection& Underlying() const { return *connection_; }

 private:
  std::shared_ptr<Endpoint> endpoint_;
  std::shared_ptr<Connection> connection_;
};

// Longer query strings than this do not fit the request buffer of libwebsockets.
constexpr size_t kMaxPath = size_t{16} * 1024;

std::optional<ApiError> Invalid(const PodStreamRequest& request, const PodStreamOptions& options,
                                size_t path_size) {
  std::string problem;
  if (request.ns.empty() || request.pod.empty()) {
    problem = "a namespace and a pod are needed";
  } else if (request.verb == PodStreamVerb::kExec && request.command.empty()) {
    problem = "exec needs a command";
  } else if (!request.withStdin && !request.withStdout && !request.withStderr) {
    problem = "at least one of stdin, stdout and stderr is needed";
  } else if (options.protocols.empty()) {
    problem = "no protocol to offer";
  } else if (path_size > kMaxPath) {
    problem = "the command line is too long for a URL (" + std::to_string(path_size) +
              " bytes encoded); pass it on stdin instead";
  } else if (options.maxBufferedOutput == 0 || options.maxQueuedInput == 0) {
    problem = "the output and input bounds must not be zero";
  }
  if (problem.empty()) return std::nullopt;
  return MakeError(ErrorKind::kBadRequest, problem);
}

class LwsPodExecutor final : public PodExecutor {
 public:
  LwsPodExecutor(std::shared_ptr<Endpoint> endpoint, std::unique_ptr<CredentialSource> credentials,
                 PodExecutorOptions options)
      : endpoint_(std::move(endpoint)),
        credentials_(std::move(credentials)),
        options_(std::move(options)) {}

  Result<std::unique_ptr<PodStreamSession>> Open(const PodStreamRequest& request,
                                                 const PodStreamOptions& options) override {
    auto session = OpenSession(request, options);
    if (!session) return Unexpected(session.error());
    return std::unique_ptr<PodStreamSession>(std::move(*session));
  }

  Result<ExecResult> Run(const PodStreamRequest& request, const RunOptions& options) override {
    const auto deadline = Clock::now() + options.timeout;
    const auto remaining = [&] {
      return std::max(Duration::zero(),
                      std::chrono::duration_cast<Duration>(deadline - Clock::now()));
    };
    PodStreamRequest stdin_as_given = request;
    stdin_as_given.withStdin = !options.stdinData.empty();
    PodStreamOptions stream = options.stream;
    stream.connectTimeout = std::min(stream.connectTimeout, options.timeout);
    auto session = OpenSession(stdin_as_given, stream);
    if (!session) return Unexpected(session.error());
    Connection& connection = (*session)->Underlying();

    ExecResult result;
    result.protocol = connection.Protocol();
    if (stdin_as_given.withStdin) {
      // All at once, not waiting for room: the input is in memory already, and waiting could
      // deadlock with a command that writes output before reading all of its input. A command
      // that exits without reading it may have ended the session already; Wait tells.
      (void)connection.WriteStdin(options.stdinData, /*wait_for_room=*/false);
      if (result.protocol == ChannelProtocol::kV5) (void)connection.CloseStdin();
    }
    while (true) {
      auto chunk = connection.Read(remaining());
      if (!chunk) return Unexpected(NotEnded(request, options.timeout));
      if (!*chunk) break;
      std::string& text =
          (*chunk)->channel == Channel::kStdout ? result.stdoutText : result.stderrText;
      const size_t room = options.maxOutput - std::min(options.maxOutput, text.size());
      if ((*chunk)->data.size() > room) result.truncated = true;
      text.append((*chunk)->data, 0, std::min(room, (*chunk)->data.size()));
    }
    auto status = connection.Wait(remaining());
    if (!status) {
      if (status.error().kind == ErrorKind::kTimeout) {
        return Unexpected(NotEnded(request, options.timeout));
      }
      return Unexpected(status.error());
    }
    result.exitCode = status->exitCode;
    result.statusMessage = std::move(status->message);
    return result;
  }

 private:
  static ApiError NotEnded(const PodStreamRequest& request, Duration timeout) {
    return TransportError(std::string(Subresource(request.verb)) + " in pod " + request.ns + "/" +
                              request.pod + " did not end within " + FormatDuration(timeout),
                          /*timed_out=*/true);
  }

  Result<std::unique_ptr<Session>> OpenSession(const PodStreamRequest& request,
                                               const PodStreamOptions& options) {
    ConnectionSettings settings;
    settings.server = endpoint_->Server();
    settings.vhost = endpoint_->Vhost();
    settings.tlsServerName = endpoint_->Tls().serverName;
    settings.insecure = endpoint_->Tls().insecureSkipVerify;
    settings.path = endpoint_->Server().basePath + PodStreamPath(request);
    settings.protocols = options.protocols;
    settings.userAgent = options_.userAgent;
    settings.maxBufferedOutput = options.maxBufferedOutput;
    settings.maxQueuedInput = options.maxQueuedInput;
    settings.request = request;
    if (auto invalid = Invalid(request, options, settings.path.size())) {
      return Unexpected(std::move(*invalid));
    }

    for (bool refreshed = false;; refreshed = true) {
      auto authorization = credentials_->Authorization();
      if (!authorization) return Unexpected(authorization.error());
      settings.authorization = std::move(*authorization);
      auto connection = std::make_shared<Connection>(endpoint_->Loop(), settings);
      endpoint_->Loop().Post([connection] { connection->Connect(); });
      auto opened = connection->WaitOpen(options.connectTimeout);
      if (opened) return std::make_unique<Session>(endpoint_, std::move(connection));
      // The credential may have rotated under us: read it again, once.
      if (opened.error().kind == ErrorKind::kUnauthorized && !refreshed) {
        credentials_->Invalidate();
        continue;
      }
      return Unexpected(opened.error());
    }
  }

  std::shared_ptr<Endpoint> endpoint_;
  std::unique_ptr<CredentialSource> credentials_;
  PodExecutorOptions options_;
};

}  // namespace

std::string PodStreamPath(const PodStreamRequest& request) {
  std::string path = resources::kPods.Path(request.ns, request.pod, Subresource(request.verb));
  char separator = '?';
  const auto add = [&](std::string_view name, std::string_view value) {
    path += separator;
    separator = '&';
    path += name;
    path += '=';
    path += UrlEncode(value);
  };
  if (request.verb == PodStreamVerb::kExec) {
    for (const auto& argument : request.command) add("command", argument);
  }
  if (!request.container.empty()) add("container", request.container);
  if (request.withStdin) add("stdin", "true");
  if (request.withStdout) add("stdout", "true");
  if (request.withStderr && !request.tty) add("stderr", "true");
  if (request.tty) add("tty", "true");
  return path;
}

Result<std::unique_ptr<PodExecutor>> MakePodExecutor(const ClusterConfig& config,
                                                     PodExecutorOptions options) {
  return MakePodExecutor(config.server,
                         {config.caPem, config.insecureSkipTlsVerify, config.tlsServerName,
                          config.clientCertPem, config.clientKeyPem},
                         MakeCredentialSource(config), std::move(options));
}

Result<std::unique_ptr<PodExecutor>> MakePodExecutor(const std::string& server,
                                                     const TlsSettings& tls,
                                                     std::unique_ptr<CredentialSource> credentials,
                                                     PodExecutorOptions options) {
  auto address = ParseServer(server);
  if (!address) return Unexpected(address.error());
  auto endpoint = Endpoint::Make(std::move(*address), tls);
  if (!endpoint) return Unexpected(endpoint.error());
  return std::unique_ptr<PodExecutor>(std::make_unique<LwsPodExecutor>(
      std::move(*endpoint), std::move(credentials), std::move(options)));
}

}  // namespace kdiag
