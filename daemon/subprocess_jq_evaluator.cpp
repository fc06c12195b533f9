#include "daemon/subprocess_jq_evaluator.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "daemon/jq_worker_protocol.h"

#if defined(__SANITIZE_ADDRESS__)
#define KDIAG_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KDIAG_ADDRESS_SANITIZER 1
#endif
#endif

namespace kdiag {

using Deadline = JqEvaluator::Deadline;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Starting a worker and compiling the programs in it.
constexpr auto kStartTimeout = std::chrono::seconds(10);
// How long a worker that closed its end may take to exit before it is killed.
constexpr auto kExitGrace = std::chrono::seconds(1);
// What of a dead worker's standard error is read, for the reason it gives.
constexpr size_t kMaxStderr = 4096;
constexpr size_t kReadChunk = size_t{64} * 1024;

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

JqOutcome Stopped(std::string why) { return {JqOutcome::Kind::kStopped, std::move(why)}; }

}  // namespace

// One kdiag-jq-worker process, used by one thread at a time.
class JqWorkerProcess {
 public:
  // Starts the worker with the limits, hands it the programs and waits until they compiled.
  // Throws std::runtime_error.
  JqWorkerProcess(const std::string& path, const std::vector<std::string>& programs,
                  const JqWorkerLimits& limits);
  ~JqWorkerProcess();
  JqWorkerProcess(const JqWorkerProcess&) = delete;
  JqWorkerProcess& operator=(const JqWorkerProcess&) = delete;

  // Whether the process has ended (e.g. killed from outside while idle).
  bool Exited();

  // Runs one batch of count inputs, appending an outcome per input answered. True when all
  // were answered and the worker can take another batch; false when it was given up: at the
  // deadline, or with a kStopped outcome last when the program was stopped or the worker died.
  bool Evaluate(std::string_view batch, size_t count, Deadline deadline,
                std::vector<JqOutcome>& outcomes);

 private:
  enum class Io { kDone, kTimedOut, kClosed };

  Io SendAll(std::string_view bytes, Deadline deadline);
  // Appends what has arrived to buffer, waiting until `until` for something to arrive.
  Io Receive(std::string& buffer, Deadline until);
  bool PollUntil(short events, Deadline until);
  std::chrono::nanoseconds CpuTime() const;
  // Waits for the process to end (killing it after a grace period) and says why it ended.
  std::string WhyItEnded();
  void Reap(bool kill_first);

  JqWorkerLimits limits_;
  pid_t pid_ = -1;
  int socket_ = -1;  // the worker's standard input and output
  int stderr_ = -1;  // its standard error, read once it has ended
  int status_ = 0;   // from waitpid, once reaped
  bool reaped_ = false;
};

JqWorkerProcess::JqWorkerProcess(const std::string& path, const std::vector<std::string>& programs,
                                 const JqWorkerLimits& limits)
    : limits_(limits) {
  int sockets[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0) {
    throw std::runtime_error("starting kdiag-jq-worker: socketpair: " + ErrnoText(errno));
  }
  int errors[2];
  if (pipe2(errors, O_CLOEXEC | O_NONBLOCK) != 0) {
    const int error = errno;
    close(sockets[0]);
    close(sockets[1]);
    throw std::runtime_error("starting kdiag-jq-worker: pipe: " + ErrnoText(error));
  }
  socket_ = sockets[0];
  stderr_ = errors[0];

  // The worker gets the socket as standard input and output, nothing else open, an empty
  // environment, default signal handling, and a process group of its own (a terminal's Ctrl-C
  // reaches the controller, which then stops its workers).
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, sockets[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors[1], STDERR_FILENO);
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t signals;
  sigemptyset(&signals);
  posix_spawnattr_setsigmask(&attributes, &signals);
  for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, signal);
  posix_spawnattr_setsigdefault(&attributes, &signals);
  std::string program_path = path;
  char* argv[] = {program_path.data(), nullptr};
  char* envp[] = {nullptr};
  const int spawned = posix_spawn(&pid_, path.c_str(), &actions, &attributes, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(sockets[1]);
  close(errors[1]);
  if (spawned != 0) {
    close(socket_);
    close(stderr_);
    throw std::runtime_error(fmt::format("starting {}: {}", path, ErrnoText(spawned)));
  }

  // Limits apply from here on: the worker does nothing before it has its programs.
  const rlimit no_core{0, 0};
  prlimit(pid_, RLIMIT_CORE, &no_core, nullptr);
#ifndef KDIAG_ADDRESS_SANITIZER
  const rlimit memory{limits.memoryBytes, limits.memoryBytes};
  if (prlimit(pid_, RLIMIT_AS, &memory, nullptr) != 0) {
    const int error = errno;
    Reap(true);
    close(socket_);
    close(stderr_);
    throw std::runtime_error("limiting kdiag-jq-worker's memory: " + ErrnoText(error));
  }
#endif

  const auto deadline = SteadyClock::now() + kStartTimeout;
  std::string reply;
  auto fail = [&](const std::string& why) {
    Reap(true);
    close(socket_);
    close(stderr_);
    throw std::runtime_error(fmt::format("starting {}: {}", path, why));
  };
  if (SendAll(jq_worker::EncodePrograms(programs), deadline) != Io::kDone) {
    fail("it did not take the programs");
  }
  for (;;) {
    std::optional<std::string> compiled;
    try {
      compiled = jq_worker::TakeString(reply);
    } catch (const std::runtime_error& e) {
      fail(e.what());
    }
    if (compiled) {
      if (!compiled->empty()) fail(*compiled);
      return;
    }
    switch (Receive(reply, deadline)) {
      case Io::kDone:
        break;
      case Io::kTimedOut:
        fail("it did not compile the programs within 10s");
        break;
      case Io::kClosed:
        fail("it " + WhyItEnded());
        break;
    }
  }
}

JqWorkerProcess::~JqWorkerProcess() {
  Reap(true);
  close(socket_);
  close(stderr_);
}

void JqWorkerProcess::Reap(bool kill_first) {
  if (reaped_) return;
  if (kill_first) kill(pid_, SIGKILL);
  while (waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
  }
  reaped_ = true;
}

bool JqWorkerProcess::Exited() {
  if (reaped_) return true;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

bool JqWorkerProcess::PollUntil(short events, Deadline until) {
  for (;;) {
    const auto left = until - SteadyClock::now();
    if (left <= SteadyClock::duration::zero()) return false;
    const auto milliseconds = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    pollfd watched{socket_, events, 0};
    const int ready = poll(&watched, 1, static_cast<int>(std::min<int64_t>(milliseconds, INT_MAX)));
    // Readiness, a hang-up or an error: the next send or recv tells which.
    if (ready > 0 || (ready < 0 && errno != EINTR)) return true;
  }
}

JqWorkerProcess::Io JqWorkerProcess::SendAll(std::string_view bytes, Deadline deadline) {
  while (!bytes.empty()) {
    const ssize_t sent = send(socket_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<size_t>(sent));
    } else if (sent < 0 && errno == EINTR) {
      continue;
    } else if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!PollUntil(POLLOUT, deadline)) return Io::kTimedOut;
    } else {
      return Io::kClosed;
    }
  }
  return Io::kDone;
}

JqWorkerProcess::Io JqWorkerProcess::Receive(std::string& buffer, Deadline until) {
  if (!PollUntil(POLLIN, until)) return Io::kTimedOut;
  const size_t kept = buffer.size();
  buffer.resize(kept + kReadChunk);
  const ssize_t got = recv(socket_, buffer.data() + kept, kReadChunk, MSG_DONTWAIT);
  buffer.resize(kept + static_cast<size_t>(std::max<ssize_t>(got, 0)));
  if (got > 0 || (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))) {
    return Io::kDone;
  }
  return Io::kClosed;
}

std::chrono::nanoseconds JqWorkerProcess::CpuTime() const {
  clockid_t clock = 0;
  timespec used{};
  if (clock_getcpuclockid(pid_, &clock) != 0 || clock_gettime(clock, &used) != 0) {
    return std::chrono::nanoseconds::zero();
  }
  return std::chrono::seconds(used.tv_sec) + std::chrono::nanoseconds(used.tv_nsec);
}

std::string JqWorkerProcess::WhyItEnded() {
  // The worker closed its end: it is exiting, unless something odd holds it.
  const auto give_up = SteadyClock::now() + kExitGrace;
  while (!Exited() && SteadyClock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Reap(true);
  std::string text(kMaxStderr, '\0');
  const ssize_t got = read(stderr_, text.data(), text.size());
  text.resize(static_cast<size_t>(std::max<ssize_t>(got, 0)));
  // jq aborts with this message when an allocation fails; the worker's own code throws
  // std::bad_alloc.
  if (text.find("cannot allocate memory") != std::string::npos ||
      text.find("bad_alloc") != std::string::npos) {
    return fmt::format("ran out of memory (the limit is {} MiB)", limits_.memoryBytes >> 20);
  }
  text = text.substr(0, text.find('\n'));
  const std::string said = text.empty() ? "" : ": " + text;
  if (WIFSIGNALED(status_)) {
    const char* name = sigabbrev_np(WTERMSIG(status_));
    return fmt::format("ended its evaluating process (signal SIG{}{})", name ? name : "?", said);
  }
  return fmt::format("ended its evaluating process (exit status {}{})", WEXITSTATUS(status_), said);
}

bool JqWorkerProcess::Evaluate(std::string_view batch, size_t count, Deadline deadline,
                               std::vector<JqOutcome>& outcomes) {
  switch (SendAll(batch, deadline)) {
    case Io::kDone:
      break;
    case Io::kTimedOut:
      return false;
    case Io::kClosed:
      outcomes.push_back(Stopped(WhyItEnded()));
      return false;
  }
  const size_t wanted = outcomes.size() + count;
  std::string buffer;
  // The input being evaluated started when the previous outcome arrived.
  auto input_started = SteadyClock::now();
  auto cpu_at_input_start = CpuTime();
  auto check_at = input_started + limits_.timePerObject;
  while (outcomes.size() < wanted) {
    switch (Receive(buffer, std::min(deadline, check_at))) {
      case Io::kClosed:
        outcomes.push_back(Stopped(WhyItEnded()));
        return false;
      case Io::kTimedOut: {
        const auto now = SteadyClock::now();
        if (now >= deadline) return false;
        // Over the limit by the clock: stop the program if the worker spent the time computing
        // it; on a starved machine look again when it could have.
        const auto computed = CpuTime() - cpu_at_input_start;
        if (computed >= limits_.timePerObject) {
          outcomes.push_back(Stopped(fmt::format("did not finish within {} ms of CPU time",
                                                 limits_.timePerObject.count())));
          return false;
        }
        check_at = now + std::max<SteadyClock::duration>(limits_.timePerObject - computed,
                                                         std::chrono::milliseconds(10));
        break;
      }
      case Io::kDone: {
        const size_t before = outcomes.size();
        try {
          while (outcomes.size() < wanted) {
            auto outcome = jq_worker::TakeOutcome(buffer);
            if (!outcome) break;
            outcomes.push_back(std::move(*outcome));
          }
        } catch (const std::runtime_error& e) {
          outcomes.push_back(Stopped(std::string("broke its evaluating process: ") + e.what()));
          return false;
        }
        if (outcomes.size() > before) {
          input_started = SteadyClock::now();
          cpu_at_input_start = CpuTime();
          check_at = input_started + limits_.timePerObject;
        }
        break;
      }
    }
  }
  return true;
}

SubprocessJqEvaluator::SubprocessJqEvaluator(std::string worker_path,
                                             std::vector<std::string> programs,
                                             JqWorkerLimits limits)
    : workerPath_(std::move(worker_path)), programs_(std::move(programs)), limits_(limits) {
  idle_.push_back(std::make_unique<JqWorkerProcess>(workerPath_, programs_, limits_));
}

SubprocessJqEvaluator::~SubprocessJqEvaluator() = default;

std::vector<JqOutcome> SubprocessJqEvaluator::Run(size_t program,
                                                  std::span<const std::string> inputs,
                                                  Timestamp now, Deadline deadline) {
  if (program >= programs_.size()) throw std::out_of_range("no such jq program");
  std::vector<JqOutcome> outcomes;
  if (inputs.empty()) return outcomes;
  auto worker = Take();
  const auto batch = jq_worker::EncodeBatch(static_cast<uint32_t>(program), now, inputs);
  // A worker given up on is killed with it.
  if (worker->Evaluate(batch, inputs.size(), deadline, outcomes)) Give(std::move(worker));
  return outcomes;
}

std::unique_ptr<JqWorkerProcess> SubprocessJqEvaluator::Take() {
  {
    std::lock_guard lock(mutex_);
    while (!idle_.empty()) {
      auto worker = std::move(idle_.back());
      idle_.pop_back();
      if (!worker->Exited()) return worker;
    }
  }
  return std::make_unique<JqWorkerProcess>(workerPath_, programs_, limits_);
}

void SubprocessJqEvaluator::Give(std::unique_ptr<JqWorkerProcess> worker) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(worker));
}

std::string JqWorkerBesideThisProgram() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "kdiag-jq-worker")
      .string();
}

}  // namespace kdiag
