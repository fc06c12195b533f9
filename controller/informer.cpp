#include "controller/informer.h"

#include <cassert>

namespace kdiag {

Informer::Informer(Client& client, ReflectorOptions options, Clock& clock, RuntimeMetrics* metrics)
    : clock_(clock),
      reflector_(
          client, store_, std::move(options),
          [this](const StoreChange& change) {
            for (const auto& handler : handlers_) handler(change);
          },
          clock, metrics) {}

Informer::~Informer() { Stop(); }

void Informer::AddHandler(Handler handler) {
  assert(!thread_.joinable() && "handlers are added before Start");
  handlers_.push_back(std::move(handler));
}

void Informer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](const std::stop_token& stop) { reflector_.Run(stop); });
}

void Informer::RequestStop() {
  if (thread_.joinable()) thread_.request_stop();
}

void Informer::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

bool Informer::WaitForSync(const std::stop_token& stop, Duration timeout) const {
  const auto deadline = clock_.Now() + timeout;
  while (!HasSynced()) {
    if (clock_.Now() >= deadline || !clock_.Sleep(std::chrono::milliseconds(20), stop)) {
      return false;
    }
  }
  return true;
}

}  // namespace kdiag
