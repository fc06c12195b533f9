// Turns SIGTERM and SIGINT into an orderly shutdown: the signals are blocked in every thread
// and received synchronously by whoever calls Wait(), so no work runs in a signal handler.
#pragma once

namespace kdiag {

class ShutdownSignal {
 public:
  // Blocks SIGTERM and SIGINT for the calling thread and every thread it starts afterwards:
  // construct it first thing in main.
  ShutdownSignal();
  // Returns the signal that arrived.
  int Wait() const;
};

}  // namespace kdiag
