#include "daemon/app/metrics.hpp"

#include <chrono>
#include <cstdio>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace evidenced::app {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

double wall_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string escape_label(const std::string& v) {
    std::string out;
    for (const char c : v) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

}  // namespace

Metrics::Metrics() {
    // Uploads take from milliseconds (a duplicate) to hours (a 100 GiB triage image).
    bucket_bounds_ = {0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600, 14400};
    bucket_counts_.assign(bucket_bounds_.size(), 0);
    for (const char* o : {"ingested", "partial", "duplicate", "quarantined", "failed"}) {
        uploads_[o] = 0;
    }
    for (const char* r : {"startup", "timer", "overflow", "folder"}) {
        rescans_[r] = 0;
    }
    reloads_["ok"] = 0;
    reloads_["failed"] = 0;
    start_time_ = wall_now();
}

void Metrics::upload(const UploadStats& s) {
    std::lock_guard lock(mu_);
    ++uploads_[s.outcome];
    bytes_in_ += s.bytes_in;
    bytes_out_ += s.bytes_out;
    records_ += s.records;
    error_records_ += s.error_records;
    refused_ += s.refused;
    for (const auto& [ds, n] : s.records_by_dataset) {
        records_by_dataset_[ds] += n;
    }
    for (size_t i = 0; i < bucket_bounds_.size(); ++i) {
        if (s.seconds <= bucket_bounds_[i]) {
            ++bucket_counts_[i];
        }
    }
    duration_sum_ += s.seconds;
    ++duration_count_;
    last_upload_time_ = wall_now();
}

void Metrics::rescan(const std::string& reason) {
    std::lock_guard lock(mu_);
    ++rescans_[reason];
}

void Metrics::claim_lost() {
    std::lock_guard lock(mu_);
    ++claims_lost_;
}

void Metrics::reload(bool ok) {
    std::lock_guard lock(mu_);
    ++reloads_[ok ? "ok" : "failed"];
}

void Metrics::set_queue_depth(uint64_t n) {
    std::lock_guard lock(mu_);
    queue_depth_ = n;
}

void Metrics::set_in_flight(uint64_t n) {
    std::lock_guard lock(mu_);
    in_flight_ = n;
}

void Metrics::set_paused(bool paused) {
    std::lock_guard lock(mu_);
    paused_ = paused;
}

void Metrics::set_free_bytes(uint64_t n) {
    std::lock_guard lock(mu_);
    free_bytes_ = n;
}

void Metrics::set_watches(uint64_t n) {
    std::lock_guard lock(mu_);
    watches_ = n;
}

std::string Metrics::render() const {
    std::lock_guard lock(mu_);
    std::string o;
    auto head = [&](const char* name, const char* type, const char* help) {
        o += "# HELP ";
        o += name;
        o += ' ';
        o += help;
        o += "\n# TYPE ";
        o += name;
        o += ' ';
        o += type;
        o += '\n';
    };
    auto line = [&](const std::string& name, double v) {
        o += name;
        o += ' ';
        o += num(v);
        o += '\n';
    };
    auto labelled = [&](const char* name, const char* label,
                        const std::map<std::string, uint64_t>& m) {
        for (const auto& [k, v] : m) {
            line(std::string(name) + "{" + label + "=\"" + escape_label(k) + "\"}",
                 static_cast<double>(v));
        }
    };

    head("evidenced_build_info", "gauge", "Version of the running daemon.");
    line(std::string("evidenced_build_info{version=\"") + EVIDENCED_VERSION + "\"}", 1);
    head("evidenced_start_time_seconds", "gauge", "When the daemon started (Unix time).");
    line("evidenced_start_time_seconds", start_time_);
    head("evidenced_uploads_total", "counter", "Uploads finished, by outcome.");
    labelled("evidenced_uploads_total", "outcome", uploads_);
    head("evidenced_upload_bytes_total", "counter", "Bytes of uploads taken in.");
    line("evidenced_upload_bytes_total", static_cast<double>(bytes_in_));
    head("evidenced_evidence_bytes_total", "counter", "Bytes stored under evidence/.");
    line("evidenced_evidence_bytes_total", static_cast<double>(bytes_out_));
    head("evidenced_records_total", "counter", "Normalized records written.");
    line("evidenced_records_total", static_cast<double>(records_));
    if (!records_by_dataset_.empty()) {
        head("evidenced_dataset_records_total", "counter",
             "Normalized records written, by event.dataset.");
        labelled("evidenced_dataset_records_total", "dataset", records_by_dataset_);
    }
    head("evidenced_error_records_total", "counter", "evidenced.error records written.");
    line("evidenced_error_records_total", static_cast<double>(error_records_));
    head("evidenced_refused_members_total", "counter",
         "Archive members refused (unsafe names, limits, special files).");
    line("evidenced_refused_members_total", static_cast<double>(refused_));
    head("evidenced_claims_lost_total", "counter", "Settled uploads another daemon claimed first.");
    line("evidenced_claims_lost_total", static_cast<double>(claims_lost_));
    head("evidenced_rescans_total", "counter", "Full inbox rescans, by reason.");
    labelled("evidenced_rescans_total", "reason", rescans_);
    head("evidenced_config_reloads_total", "counter", "SIGHUP reloads, by result.");
    labelled("evidenced_config_reloads_total", "result", reloads_);
    head("evidenced_queue_depth", "gauge",
         "Uploads seen in the inbox or claimed, not yet started.");
    line("evidenced_queue_depth", static_cast<double>(queue_depth_));
    head("evidenced_uploads_in_flight", "gauge", "Uploads being ingested now.");
    line("evidenced_uploads_in_flight", static_cast<double>(in_flight_));
    head("evidenced_intake_paused", "gauge",
         "1 while intake is paused because free space is under limits.min_free_bytes.");
    line("evidenced_intake_paused", paused_ ? 1 : 0);
    head("evidenced_free_bytes", "gauge", "Free bytes on the data root's file system.");
    line("evidenced_free_bytes", static_cast<double>(free_bytes_));
    head("evidenced_inotify_watches", "gauge", "Inbox folders watched through inotify.");
    line("evidenced_inotify_watches", static_cast<double>(watches_));
    head("evidenced_last_upload_timestamp_seconds", "gauge",
         "When the last upload finished (Unix time, 0 = none yet).");
    line("evidenced_last_upload_timestamp_seconds", last_upload_time_);
    head("evidenced_ingest_duration_seconds", "histogram", "Time to ingest one upload.");
    for (size_t i = 0; i < bucket_bounds_.size(); ++i) {
        char le[32];
        std::snprintf(le, sizeof le, "%g", bucket_bounds_[i]);
        line(std::string("evidenced_ingest_duration_seconds_bucket{le=\"") + le + "\"}",
             static_cast<double>(bucket_counts_[i]));
    }
    line("evidenced_ingest_duration_seconds_bucket{le=\"+Inf\"}",
         static_cast<double>(duration_count_));
    line("evidenced_ingest_duration_seconds_sum", duration_sum_);
    line("evidenced_ingest_duration_seconds_count", static_cast<double>(duration_count_));
    return o;
}

bool parse_listen(const std::string& listen, std::string& host, uint16_t& port) {
    std::string port_str;
    if (!listen.empty() && listen.front() == '[') {
        const auto close = listen.find(']');
        if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
            return false;
        }
        host = listen.substr(1, close - 1);
        port_str = listen.substr(close + 2);
    } else {
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos || colon == 0) {
            return false;
        }
        host = listen.substr(0, colon);
        port_str = listen.substr(colon + 1);
    }
    if (port_str.empty() || port_str.size() > 5 ||
        port_str.find_first_not_of("0123456789") != std::string::npos) {
        return false;
    }
    const unsigned long p = std::stoul(port_str);
    if (p > 65535) {
        return false;
    }
    port = static_cast<uint16_t>(p);
    return true;
}

struct MetricsServer::State {
    explicit State(asio::io_context& io) : acceptor(io) {}
    tcp::acceptor acceptor;
    bool stopped = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket s, const Metrics& m, std::shared_ptr<std::atomic<bool>> healthy)
        : stream_(std::move(s)), metrics_(m), healthy_(std::move(healthy)) {}

    void run() {
        stream_.expires_after(std::chrono::seconds(10));
        parser_.body_limit(8192);
        parser_.header_limit(8192);
        http::async_read(stream_, buf_, parser_,
                         [self = shared_from_this()](beast::error_code ec, size_t) {
                             if (!ec) {
                                 self->respond();
                             }
                         });
    }

private:
    void respond() {
        const auto& req = parser_.get();
        res_.version(req.version());
        res_.keep_alive(false);
        res_.set(http::field::server, "evidenced");
        const auto target = std::string(req.target());
        const auto path = target.substr(0, target.find('?'));
        if (req.method() != http::verb::get && req.method() != http::verb::head) {
            res_.result(http::status::method_not_allowed);
            res_.set(http::field::content_type, "text/plain");
            res_.body() = "method not allowed\n";
        } else if (path == "/metrics") {
            res_.result(http::status::ok);
            res_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            res_.body() = metrics_.render();
        } else if (path == "/healthz") {
            const bool ok = healthy_->load();
            res_.result(ok ? http::status::ok : http::status::service_unavailable);
            res_.set(http::field::content_type, "application/json");
            res_.body() = ok ? "{\"status\":\"ok\"}\n" : "{\"status\":\"stopping\"}\n";
        } else {
            res_.result(http::status::not_found);
            res_.set(http::field::content_type, "text/plain");
            res_.body() = "not found: try /metrics or /healthz\n";
        }
        if (req.method() == http::verb::head) {
            res_.content_length(res_.body().size());
            res_.body().clear();
        }
        res_.prepare_payload();
        http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code, size_t) {
            beast::error_code ec;
            self->stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        });
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buf_;
    http::request_parser<http::string_body> parser_;
    http::response<http::string_body> res_;
    const Metrics& metrics_;
    std::shared_ptr<std::atomic<bool>> healthy_;
};

}  // namespace

MetricsServer::MetricsServer(asio::io_context& io, const Metrics& metrics)
    : metrics_(metrics),
      state_(std::make_shared<State>(io)),
      healthy_(std::make_shared<std::atomic<bool>>(true)) {}

MetricsServer::~MetricsServer() {
    stop();
}

bool MetricsServer::start(const std::string& listen) {
    if (listen.empty()) {
        spdlog::info("metrics off (metrics.listen is empty)");
        return false;
    }
    std::string host;
    uint16_t port = 0;
    if (!parse_listen(listen, host, port)) {
        spdlog::error("metrics off: metrics.listen '{}' is not host:port", listen);
        return false;
    }
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) {
        spdlog::error("metrics off: metrics.listen '{}': {}", listen, ec.message());
        return false;
    }
    const tcp::endpoint ep(addr, port);
    auto& acc = state_->acceptor;
    acc.open(ep.protocol(), ec);
    if (!ec) {
        acc.set_option(tcp::acceptor::reuse_address(true), ec);
        ec = {};
        acc.bind(ep, ec);
    }
    if (!ec) {
        acc.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        spdlog::error(
            "metrics off: cannot listen on {}: {} (another instance on this host? "
            "set metrics.listen)",
            listen, ec.message());
        boost::system::error_code ignore;
        acc.close(ignore);
        return false;
    }
    const auto local = acc.local_endpoint(ec);
    bound_ = local.address().is_v6()
                 ? "[" + local.address().to_string() + "]:" + std::to_string(local.port())
                 : local.address().to_string() + ":" + std::to_string(local.port());
    spdlog::info("metrics listening on http://{}/metrics", bound_);
    accept();
    return true;
}

void MetricsServer::accept() {
    auto state = state_;
    auto healthy = healthy_;
    const Metrics* metrics = &metrics_;
    state->acceptor.async_accept(
        [state, healthy, metrics, this](beast::error_code ec, tcp::socket sock) {
            if (state->stopped) {
                return;
            }
            if (!ec) {
                std::make_shared<Session>(std::move(sock), *metrics, healthy)->run();
            }
            accept();
        });
}

void MetricsServer::stop() {
    if (state_->stopped) {
        return;
    }
    state_->stopped = true;
    boost::system::error_code ec;
    state_->acceptor.close(ec);
}

}  // namespace evidenced::app
