#include "controller/metrics.h"

namespace kdiag {
namespace {

template <typename Builder>
auto& Register(Builder builder, prometheus::Registry& registry, const char* name,
               const char* help) {
  return builder.Name(name).Help(help).Register(registry);
}

}  // namespace

const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return buckets;
}

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

RuntimeMetrics::RuntimeMetrics(prometheus::Registry& registry)
    : apiRequests(Register(prometheus::BuildCounter(), registry, "kdiag_api_requests_total",
                           "Kubernetes API calls by verb and HTTP code.")),
      apiRequestSeconds(Register(prometheus::BuildHistogram(), registry,
                                 "kdiag_api_request_duration_seconds",
                                 "Latency of Kubernetes API calls by verb (watches: until the "
                                 "response headers).")),
      watchRestarts(Register(prometheus::BuildCounter(), registry, "kdiag_watch_restarts_total",
                             "Watches started again after they ended or failed, by resource.")),
      relists(Register(prometheus::BuildCounter(), registry, "kdiag_watch_relists_total",
                       "Full lists of a resource (start, expired resource version, ...).")),
      watchEvents(Register(prometheus::BuildCounter(), registry, "kdiag_watch_events_total",
                           "Watch events received, by resource and type.")),
      decodeErrors(Register(prometheus::BuildCounter(), registry, "kdiag_watch_decode_errors_total",
                            "Malformed watch events or list items skipped, by resource.")),
      cacheObjects(Register(prometheus::BuildGauge(), registry, "kdiag_cache_objects",
                            "Objects in the cache, by resource.")),
      cacheBytes(Register(prometheus::BuildGauge(), registry, "kdiag_cache_object_bytes",
                          "Bytes held by cached objects (without index overhead), by resource.")),
      queueDepth(Register(prometheus::BuildGauge(), registry, "kdiag_workqueue_depth",
                          "Keys waiting in a work queue.")),
      queueAdds(Register(prometheus::BuildCounter(), registry, "kdiag_workqueue_adds_total",
                         "Keys added to a work queue.")),
      queueRetries(Register(prometheus::BuildCounter(), registry, "kdiag_workqueue_retries_total",
                            "Keys put back with back-off after a failed reconcile.")),
      queueWaitSeconds(Register(prometheus::BuildHistogram(), registry,
                                "kdiag_workqueue_queue_duration_seconds",
                                "How long a key waited in the queue before a worker took it.")),
      queueWorkSeconds(Register(prometheus::BuildHistogram(), registry,
                                "kdiag_workqueue_work_duration_seconds",
                                "How long a worker held a key.")),
      reconciles(Register(prometheus::BuildCounter(), registry, "kdiag_reconcile_total",
                          "Reconciles by controller and result (done, requeue, error).")),
      reconcileSeconds(Register(prometheus::BuildHistogram(), registry,
                                "kdiag_reconcile_duration_seconds",
                                "Duration of reconciles by controller.")) {}

}  // namespace kdiag
