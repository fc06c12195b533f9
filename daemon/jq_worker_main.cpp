// kdiag-jq-worker: runs custom checks' jq programs for kdiag-controller, which starts it and
// stops it when a program runs too long or takes too much memory: libjq cannot interrupt a
// program, a process can be killed. Speaks daemon/jq_worker_protocol.h on its standard input
// and output; not meant to be started by hand.
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <thread>
#include <vector>

#include "checks/jq_program.h"
#include "daemon/jq_worker_protocol.h"

int main() {
  using namespace kdiag;
  using namespace kdiag::jq_worker;
  // Nothing to do once the controller is gone; a program stuck in a loop would stay otherwise.
  // Watched from a thread, since jq cannot be interrupted (and PR_SET_PDEATHSIG follows the
  // thread that started the worker, not the controller process).
  std::thread([controller = getppid()] {
    while (getppid() == controller) std::this_thread::sleep_for(std::chrono::seconds(1));
    _exit(1);
  }).detach();
  Stream in(STDIN_FILENO);
  Stream out(STDOUT_FILENO);
  try {
    const auto count = in.ReadU32OrEnd();
    if (!count) return 0;
    std::vector<std::unique_ptr<JqProgram>> programs;
    std::string reply;
    for (uint32_t i = 0; i < *count; ++i) {
      std::string error;
      programs.push_back(JqProgram::Compile(in.ReadString(), &error));
      if (!programs.back() && reply.empty()) reply = "program " + std::to_string(i) + ": " + error;
    }
    std::string message;
    AppendString(message, reply);
    out.Write(message);
    if (!reply.empty()) return 1;

    std::vector<std::string> inputs;
    while (const auto program = in.ReadU32OrEnd()) {
      const Timestamp now{std::chrono::microseconds(in.ReadI64())};
      const uint32_t size = in.ReadU32();
      inputs.clear();
      for (uint32_t i = 0; i < size; ++i) inputs.push_back(in.ReadString());
      if (*program >= programs.size()) throw std::runtime_error("no such program");
      // Each outcome goes out as soon as it is known: the controller times the inputs by them.
      for (const auto& input : inputs) {
        out.Write(EncodeOutcome(programs[*program]->Run(input, now)));
      }
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kdiag-jq-worker: %s\n", e.what());
    return 1;
  }
}
