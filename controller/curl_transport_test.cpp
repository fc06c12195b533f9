// The libcurl transport against a local HTTP server: connections stay open for later calls
// while long streams (watches) hold connections of their own.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "controller/http_transport.h"

namespace kdiag {
namespace {

using namespace std::chrono_literals;

class CurlTransportTest : public ::testing::Test {
 protected:
  static constexpr int kStreams = 10;

  void SetUp() override {
    // Room for every stream and the calls besides them.
    server_.new_task_queue = [] { return new httplib::ThreadPool(kStreams + 4); };
    server_.set_keep_alive_max_count(100);  // the server itself would close after 5 requests
    server_.Get("/stream", [this](const httplib::Request&, httplib::Response& response) {
      ++streaming_;
      response.set_chunked_content_provider("text/plain", [this](size_t, httplib::DataSink& sink) {
        if (stop_streams_) {
          sink.done();
          return true;
        }
        std::this_thread::sleep_for(20ms);
        return sink.write("x", 1);
      });
    });
    server_.Get("/call", [this](const httplib::Request& request, httplib::Response& response) {
      const std::lock_guard lock(mutex_);
      call_ports_.insert(request.remote_port);
      response.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    listener_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }

  void TearDown() override {
    StopStreams();
    server_.stop();
    listener_.join();
  }

  void StopStreams() {
    stop_streams_ = true;
    for (auto& stream : streams_) {
      if (stream.joinable()) stream.join();
    }
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread listener_;
  std::vector<std::thread> streams_;
  std::atomic<int> streaming_ = 0;
  std::atomic<bool> stop_streams_ = false;
  std::mutex mutex_;
  std::set<int> call_ports_;
};

TEST_F(CurlTransportTest, CallsReuseAConnectionWhileStreamsHoldOthers) {
  auto transport = MakeCurlTransport({});
  for (int i = 0; i < kStreams; ++i) {
    streams_.emplace_back([&] {
      HttpRequest request{.url = Url("/stream"), .timeout = 5s};
      auto response =
          transport->Stream(request, [](std::string_view) { return StreamControl::kContinue; });
      EXPECT_TRUE(response) << response.error().Describe();
    });
  }
  for (int i = 0; i < 500 && streaming_ < kStreams; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(streaming_, kStreams);

  for (int i = 0; i < 20; ++i) {
    auto response = transport->Send({.url = Url("/call")});
    ASSERT_TRUE(response) << response.error().Describe();
    EXPECT_EQ(response->body, "ok");
  }
  StopStreams();
  // One connection carried all the calls: none was closed and opened again.
  EXPECT_EQ(call_ports_.size(), 1U);
}

}  // namespace
}  // namespace kdiag
