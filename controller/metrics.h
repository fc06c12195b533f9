// The runtime's Prometheus metrics. Labels are bounded: verbs, codes, resource types, controller
// and queue names; never object names.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>

namespace kdiag {

struct RuntimeMetrics {
  explicit RuntimeMetrics(prometheus::Registry& registry);

  // API calls by verb (get, list, create, ..., watch) and HTTP code ("error" without a response).
  prometheus::Family<prometheus::Counter>& apiRequests;
  prometheus::Family<prometheus::Histogram>& apiRequestSeconds;  // by verb

  // Watches and caches, by resource ("pods", "diagnoses.kdiag.dev").
  prometheus::Family<prometheus::Counter>& watchRestarts;
  prometheus::Family<prometheus::Counter>& relists;
  prometheus::Family<prometheus::Counter>& watchEvents;  // and by event type
  prometheus::Family<prometheus::Counter>& decodeErrors;
  prometheus::Family<prometheus::Gauge>& cacheObjects;
  prometheus::Family<prometheus::Gauge>& cacheBytes;

  // Work queues, by queue name.
  prometheus::Family<prometheus::Gauge>& queueDepth;
  prometheus::Family<prometheus::Counter>& queueAdds;
  prometheus::Family<prometheus::Counter>& queueRetries;
  prometheus::Family<prometheus::Histogram>& queueWaitSeconds;
  prometheus::Family<prometheus::Histogram>& queueWorkSeconds;

  // Reconciles, by controller (and result: done, requeue, error).
  prometheus::Family<prometheus::Counter>& reconciles;
  prometheus::Family<prometheus::Histogram>& reconcileSeconds;
};

// Series resolved once by the components that use them, so that hot paths do no label lookups.
// A null series means the process keeps no metrics.
inline void Increment(prometheus::Counter* counter) {
  if (counter != nullptr) counter->Increment();
}
inline void Set(prometheus::Gauge* gauge, double value) {
  if (gauge != nullptr) gauge->Set(value);
}
inline void Observe(prometheus::Histogram* histogram, double value) {
  if (histogram != nullptr) histogram->Observe(value);
}

// Latency buckets from 1 ms to about 1 min.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

double Seconds(std::chrono::nanoseconds d);

}  // namespace kdiag
