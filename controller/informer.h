// A cache of one resource type kept in step with the server by a Reflector on a thread of its
// own, with handlers told of every change. Handlers run on that thread: they must be quick
// (enqueue a key, nothing more).
#pragma once

#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "controller/reflector.h"
#include "controller/store.h"

namespace kdiag {

class Informer {
 public:
  using Handler = std::function<void(const StoreChange&)>;

  Informer(Client& client, ReflectorOptions options, Clock& clock = SystemClock(),
           RuntimeMetrics* metrics = nullptr);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Handlers are added before Start.
  void AddHandler(Handler handler);
  void Start();
  // Asks the watch to end without waiting; Stop waits for it. A manager asks every informer
  // first, so their streams end together rather than one after another.
  void RequestStop();
  void Stop();

  const Store& store() const { return store_; }
  const Reflector& reflector() const { return reflector_; }
  bool HasSynced() const { return reflector_.HasSynced(); }
  // Waits until the cache has synced; false on timeout or stop.
  bool WaitForSync(const std::stop_token& stop, Duration timeout) const;

 private:
  Clock& clock_;
  Store store_;
  std::vector<Handler> handlers_;
  Reflector reflector_;
  std::jthread thread_;
};

}  // namespace kdiag
