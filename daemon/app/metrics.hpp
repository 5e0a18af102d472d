// Metrics: the daemon's Prometheus counters, and the HTTP endpoint that serves them.
//
// Promises
// - Metrics is thread-safe (workers record uploads, the event loop sets gauges, the HTTP
//   server renders); render() gives the Prometheus text exposition format 0.0.4 with names
//   following Prometheus practice: prefix evidenced_, base units, counters end in _total.
// - MetricsServer serves GET /metrics and GET /healthz (200 "ok" while the event loop runs,
//   503 while stopping) over HTTP/1.1 with Boost.Beast on the daemon's io_context.  start()
//   takes "host:port" or "[v6]:port" (port 0 = any free port); on any failure (bad address,
//   port in use) it logs and returns false: the daemon goes on without metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace evidenced::app {

struct UploadStats {
    std::string outcome;  // ingested | partial | duplicate | quarantined | failed
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
    uint64_t records = 0;
    uint64_t error_records = 0;
    uint64_t refused = 0;
    std::map<std::string, uint64_t> records_by_dataset;  // empty when unknown
    double seconds = 0;
};

class Metrics {
public:
    Metrics();

    void upload(const UploadStats& s);
    void rescan(const std::string& reason);
    void claim_lost();
    void reload(bool ok);
    void set_queue_depth(uint64_t n);
    void set_in_flight(uint64_t n);
    void set_paused(bool paused);
    void set_free_bytes(uint64_t n);
    void set_watches(uint64_t n);

    std::string render() const;

private:
    mutable std::mutex mu_;
    std::map<std::string, uint64_t> uploads_;
    std::map<std::string, uint64_t> records_by_dataset_;
    std::map<std::string, uint64_t> rescans_;
    std::map<std::string, uint64_t> reloads_;
    uint64_t bytes_in_ = 0;
    uint64_t bytes_out_ = 0;
    uint64_t records_ = 0;
    uint64_t error_records_ = 0;
    uint64_t refused_ = 0;
    uint64_t claims_lost_ = 0;
    uint64_t queue_depth_ = 0;
    uint64_t in_flight_ = 0;
    uint64_t free_bytes_ = 0;
    uint64_t watches_ = 0;
    bool paused_ = false;
    double last_upload_time_ = 0;
    std::vector<double> bucket_bounds_;
    std::vector<uint64_t> bucket_counts_;
    double duration_sum_ = 0;
    uint64_t duration_count_ = 0;
    double start_time_ = 0;
};

class MetricsServer {
public:
    MetricsServer(boost::asio::io_context& io, const Metrics& metrics);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    bool start(const std::string& listen);
    void stop();
    // "127.0.0.1:9464" once listening, "" otherwise.
    std::string bound() const {
        return bound_;
    }
    void set_healthy(bool h) {
        healthy_->store(h);
    }

private:
    struct State;
    void accept();

    const Metrics& metrics_;
    std::shared_ptr<State> state_;
    std::shared_ptr<std::atomic<bool>> healthy_;
    std::string bound_;
};

// Splits "host:port" / "[v6]:port".  Returns false on a malformed value.
bool parse_listen(const std::string& listen, std::string& host, uint16_t& port);

}  // namespace evidenced::app
