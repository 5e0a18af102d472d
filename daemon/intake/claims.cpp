#include "daemon/intake/claims.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/intake/names.hpp"

namespace evidenced::intake {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& what, int err) {
    throw std::runtime_error(what + ": " + std::strerror(err));
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const time_t secs = static_cast<time_t>(ms / 1000);
    struct tm tm {};
    ::gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms % 1000));
    return buf;
}

void fsync_dir(const std::string& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        // Best effort: some network file systems refuse fsync on directories.
        (void)::fsync(fd);
        ::close(fd);
    }
}

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

std::string read_small(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        fail("open " + path, errno);
    }
    std::string text;
    char buf[8192];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > (1u << 20)) {
            break;
        }
    }
    ::close(fd);
    return text;
}

// The one regular non-dot file below `dir` that is an upload (a claim dir whose
// .claim.json is missing or unreadable).
std::optional<std::string> find_upload(const std::string& dir) {
    std::error_code ec;
    std::optional<std::string> found;
    for (auto it = fs::recursive_directory_iterator(dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const auto name = it->path().filename().string();
        if (it->is_symlink(ec)) {
            continue;
        }
        if (it->is_directory(ec)) {
            if (is_dot_name(name)) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (it->is_regular_file(ec) && is_upload_name(name)) {
            found = fs::relative(it->path(), dir, ec).generic_string();
        }
    }
    return found;
}

}  // namespace

void make_dirs(const std::string& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) {
        throw std::runtime_error("mkdir " + path + ": " + ec.message());
    }
}

void write_file_atomic(const std::string& dir,
                       const std::string& name,
                       const std::string& data,
                       unsigned mode) {
    const std::string tmp = dir + "/." + name + "." + std::to_string(::getpid()) + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                          static_cast<mode_t>(mode));
    if (fd < 0) {
        fail("create " + tmp, errno);
    }
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            fail("write " + tmp, err);
        }
        done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        fail("fsync " + tmp, err);
    }
    ::close(fd);
    const std::string target = dir + "/" + name;
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        fail("rename " + target, err);
    }
    fsync_dir(dir);
}

std::string claim_meta_to_json(const ClaimMeta& m) {
    nlohmann::ordered_json j;
    j["version"] = 1;
    j["id"] = m.id;
    j["instance"] = m.instance;
    j["rel"] = m.loc.rel;
    j["incident"] = m.loc.incident;
    j["host"] = m.loc.host ? nlohmann::ordered_json(*m.loc.host) : nlohmann::ordered_json();
    j["path_prefix"] = m.loc.path_prefix;
    j["name"] = m.loc.name;
    j["size"] = m.facts.size;
    j["mtime_ns"] = m.facts.mtime_ns;
    j["dev"] = m.facts.dev;
    j["ino"] = m.facts.ino;
    j["claimed_at"] = m.claimed_at;
    if (m.sidecar) {
        auto opt = [](const std::optional<std::string>& v) {
            return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json();
        };
        j["sidecar"] = {{"incident", opt(m.sidecar->incident)},
                        {"host", opt(m.sidecar->host)},
                        {"source", opt(m.sidecar->source)},
                        {"note", opt(m.sidecar->note)}};
    } else {
        j["sidecar"] = nullptr;
    }
    j["sidecar_error"] = m.sidecar_error;
    return j.dump() + "\n";
}

ClaimMeta claim_meta_from_json(const std::string& text) {
    const auto j = nlohmann::json::parse(text);
    ClaimMeta m;
    m.id = j.at("id").get<std::string>();
    m.instance = j.at("instance").get<std::string>();
    const auto rel = j.at("rel").get<std::string>();
    auto loc = classify(rel);
    if (!loc) {
        throw std::runtime_error("claim: not an inbox upload path: " + rel);
    }
    m.loc = *loc;
    m.facts.size = j.value("size", uint64_t{0});
    m.facts.mtime_ns = j.value("mtime_ns", int64_t{0});
    m.facts.dev = j.value("dev", uint64_t{0});
    m.facts.ino = j.value("ino", uint64_t{0});
    m.claimed_at = j.value("claimed_at", std::string());
    if (j.contains("sidecar") && j["sidecar"].is_object()) {
        Sidecar s;
        auto get = [&](const char* k, std::optional<std::string>& out) {
            const auto& v = j["sidecar"];
            if (v.contains(k) && v[k].is_string()) {
                out = v[k].get<std::string>();
            }
        };
        get("incident", s.incident);
        get("host", s.host);
        get("source", s.source);
        get("note", s.note);
        m.sidecar = s;
    }
    m.sidecar_error = j.value("sidecar_error", std::string());
    return m;
}

ClaimStore::ClaimStore(std::string inbox, std::string instance)
    : inbox_(std::move(inbox)), instance_(std::move(instance)) {
    base_ = inbox_ + "/" + std::string(kStateDirName) + "/claimed/" + instance_;
    make_dirs(base_);
}

std::string ClaimStore::new_id() {
    // Sortable by claim time (zero-padded nanoseconds), unique per process (pid, sequence).
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    char buf[80];
    std::snprintf(buf, sizeof buf, "%020lld-%d-%llu", static_cast<long long>(ns),
                  static_cast<int>(::getpid()),
                  static_cast<unsigned long long>(seq_.fetch_add(1) + 1));
    return buf;
}

ClaimStatus ClaimStore::claim(const DropLocation& loc, const FileFacts& expected, Claim& out) {
    const std::string src = inbox_ + "/" + loc.rel;
    const auto now_facts = stat_regular(src);
    if (!now_facts) {
        return ClaimStatus::kGone;
    }
    if (!(*now_facts == expected)) {
        return ClaimStatus::kChanged;
    }

    ClaimMeta meta;
    meta.instance = instance_;
    meta.loc = loc;
    meta.facts = expected;
    meta.claimed_at = utc_now();
    const std::string side_src = src + std::string(kSidecarSuffix);
    try {
        meta.sidecar = read_sidecar(side_src);
    } catch (const SidecarError& e) {
        meta.sidecar_error = e.what();
    }

    std::string dir;
    for (int attempt = 0;; ++attempt) {
        meta.id = new_id();
        dir = base_ + "/" + meta.id;
        if (::mkdir(dir.c_str(), 0750) == 0) {
            break;
        }
        if (errno != EEXIST || attempt > 100) {
            fail("mkdir " + dir, errno);
        }
    }
    const std::string dst = dir + "/" + loc.rel;
    try {
        write_file_atomic(dir, ".claim.json", claim_meta_to_json(meta));
        make_dirs(parent_of(dst));
    } catch (...) {
        std::error_code ec;
        fs::remove_all(dir, ec);
        throw;
    }

    if (::rename(src.c_str(), dst.c_str()) != 0) {
        const int err = errno;
        // An NFS client may retransmit a rename whose reply was lost and report ENOENT
        // although the first attempt moved the file: the file in our fresh directory says so.
        if (!stat_regular(dst)) {
            std::error_code ec;
            fs::remove_all(dir, ec);
            if (err == ENOENT) {
                return ClaimStatus::kGone;
            }
            fail("rename " + src, err);
        }
    }
    fsync_dir(parent_of(dst));
    fsync_dir(parent_of(src));

    // The sidecar travels with its upload so a later upload of the same name cannot inherit
    // it, and so a restart still has it.  Its content is already in .claim.json.
    if (meta.sidecar || !meta.sidecar_error.empty()) {
        (void)::rename(side_src.c_str(), (dst + std::string(kSidecarSuffix)).c_str());
    }

    out = Claim{};
    out.meta = std::move(meta);
    out.dir = dir;
    out.upload_path = dst;
    return ClaimStatus::kClaimed;
}

void ClaimStore::mark_started(Claim& c) {
    const std::string marker = c.dir + "/.started";
    const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
    if (fd < 0) {
        fail("create " + marker, errno);
    }
    ::close(fd);
    fsync_dir(c.dir);
    c.started = true;
}

std::vector<Claim> ClaimStore::pending() const {
    std::vector<std::string> ids;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base_, ec)) {
        const auto name = e.path().filename().string();
        if (!is_dot_name(name) && e.is_directory(ec) && !e.is_symlink(ec)) {
            ids.push_back(name);
        }
    }
    std::sort(ids.begin(), ids.end());
    std::vector<Claim> out;
    for (const auto& id : ids) {
        Claim c;
        c.dir = base_ + "/" + id;
        try {
            c.meta = claim_meta_from_json(read_small(c.dir + "/.claim.json"));
            c.meta.id = id;
        } catch (const std::exception&) {
            // Crash between mkdir and the meta file, or a damaged meta file: the path below
            // the claim id still says where the upload came from.
            const auto rel = find_upload(c.dir);
            auto loc = rel ? classify(*rel) : std::nullopt;
            c.meta = ClaimMeta{};
            c.meta.id = id;
            c.meta.instance = instance_;
            if (loc) {
                c.meta.loc = *loc;
            }
        }
        c.upload_path = c.meta.loc.rel.empty() ? std::string() : c.dir + "/" + c.meta.loc.rel;
        c.started = ::access((c.dir + "/.started").c_str(), F_OK) == 0;
        out.push_back(std::move(c));
    }
    return out;
}

void ClaimStore::finish(const Claim& c) {
    std::error_code ec;
    fs::remove_all(c.dir, ec);
    if (ec) {
        throw std::runtime_error("remove " + c.dir + ": " + ec.message());
    }
}

}  // namespace evidenced::intake
