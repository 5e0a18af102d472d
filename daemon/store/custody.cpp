#include "daemon/store/custody.hpp"

#include <cerrno>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"
#include "daemon/common/sha256.hpp"
#include "daemon/store/names.hpp"
#include "daemon/store/tree.hpp"

namespace evidenced::store {

namespace {

void fsync_dir(int dirfd) {
    ::fsync(dirfd);
}

// The last line of a file (without its '\n'), "" when empty.
std::string last_line(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        throw_errno("stat ledger");
    }
    off_t end = st.st_size;
    if (end == 0) {
        return {};
    }
    char c = 0;
    if (pread_full(fd, &c, 1, end - 1) == 1 && c == '\n') {
        --end;
    }
    std::string tail;
    off_t pos = end;
    constexpr off_t kChunk = 64 * 1024;
    while (pos > 0) {
        const off_t n = std::min(kChunk, pos);
        pos -= n;
        std::string chunk(static_cast<size_t>(n), '\0');
        pread_full(fd, chunk.data(), chunk.size(), pos);
        const size_t nl = chunk.rfind('\n');
        if (nl != std::string::npos) {
            return chunk.substr(nl + 1) + tail;
        }
        tail = chunk + tail;
    }
    return tail;
}

}  // namespace

Custody::Custody(int root_fd, std::string instance, gid_t group)
    : root_fd_(root_fd),
      instance_(std::move(instance)),
      group_(group),
      ledger_("custody/ledger-" + instance_ + ".jsonl") {
    make_dirs(root_fd_, "custody/originals");
}

std::string Custody::keep_original(int work_dir,
                                   const std::string& work_name,
                                   const std::string& sha256,
                                   const std::string& name) {
    const std::string dir_rel = "custody/originals/" + sha256;
    UniqueFd dir = make_dirs(root_fd_, dir_rel);
    Tree policy(root_fd_, group_);
    // Kept once: any regular file already in the folder holds these bytes.
    if (DIR* d = ::fdopendir(::dup(dir.get()))) {
        std::string found;
        while (dirent* de = ::readdir(d)) {
            const std::string n = de->d_name;
            if (n == "." || n == "..") {
                continue;
            }
            UniqueFd f(open_file_beneath(dir.get(), n));
            if (f) {
                found = n;
                break;
            }
        }
        ::closedir(d);
        if (!found.empty()) {
            ::unlinkat(work_dir, work_name.c_str(), 0);
            return dir_rel + "/" + found;
        }
    }
    {
        UniqueFd wf(::openat(work_dir, work_name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!wf) {
            throw_errno("open staged original");
        }
        policy.set_policy(wf.get(), false);
    }
    const std::string safe = sanitize_component(name);
    if (!move_noreplace(work_dir, work_name, dir.get(), safe)) {
        ::unlinkat(work_dir, work_name.c_str(), 0);
    }
    // No fsync here: the caller syncs the kept file with the upload's evidence (one flush
    // per directory for all of them) before its ledger line is written.
    return dir_rel + "/" + safe;
}

std::string Custody::quarantine(const std::string& kept,
                                const std::string& sha256,
                                const std::string& name,
                                const std::string& reason,
                                const std::string& detail,
                                const std::string& time) {
    const std::string qdir = "quarantine/" + sha256;
    UniqueFd q = make_dirs(root_fd_, qdir);
    const size_t slash = kept.find_last_of('/');
    UniqueFd from = make_dirs(root_fd_, kept.substr(0, slash));
    const std::string kept_name = kept.substr(slash + 1);
    const std::string safe = sanitize_component(name);
    if (!move_noreplace(from.get(), kept_name, q.get(), safe)) {
        // Already quarantined once: the custody copy is the same bytes, drop it.
        ::unlinkat(from.get(), kept_name.c_str(), 0);
    }
    ::unlinkat(root_fd_, kept.substr(0, slash).c_str(), AT_REMOVEDIR);
    nlohmann::ordered_json r;
    r["sha256"] = sha256;
    r["name"] = name;
    r["reason"] = reason;
    r["detail"] = detail;
    r["time"] = time;
    const std::string text = r.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    const std::string tmp = ".reason.json.tmp";
    ::unlinkat(q.get(), tmp.c_str(), 0);
    UniqueFd f(
        ::openat(q.get(), tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0640));
    if (!f) {
        throw_errno("write quarantine reason");
    }
    write_all(f.get(), text);
    ::fsync(f.get());
    Tree(root_fd_, group_).set_policy(f.get(), false);
    if (::renameat(q.get(), tmp.c_str(), q.get(), "reason.json") != 0) {
        throw_errno("rename quarantine reason");
    }
    fsync_dir(q.get());
    return qdir + "/" + safe;
}

std::string Custody::append(nlohmann::ordered_json entry) {
    std::vector<nlohmann::ordered_json> one;
    one.push_back(std::move(entry));
    return append_all(std::move(one)).front();
}

std::vector<std::string> Custody::append_all(std::vector<nlohmann::ordered_json> entries) {
    std::lock_guard<std::mutex> lock(mu_);
    UniqueFd dir = make_dirs(root_fd_, "custody");
    const std::string file = ledger_.substr(ledger_.find('/') + 1);
    UniqueFd fd(::openat(dir.get(), file.c_str(),
                         O_CREAT | O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640));
    if (!fd) {
        throw_errno("open ledger " + ledger_);
    }
    if (group_ != static_cast<gid_t>(-1)) {
        ::fchown(fd.get(), static_cast<uid_t>(-1), group_);
    }
    const std::string prev_line = last_line(fd.get());
    uint64_t seq = 1;
    std::string prev(64, '0');
    if (!prev_line.empty()) {
        prev = sha256_hex(prev_line);
        try {
            seq = nlohmann::json::parse(prev_line).at("seq").get<uint64_t>() + 1;
        } catch (const std::exception&) {
            throw std::runtime_error("ledger " + ledger_ + ": last line is not a ledger entry");
        }
    }
    // One write and one fsync for all of them: the lines of a group commit.
    std::vector<std::string> lines;
    std::string text;
    for (auto& entry : entries) {
        entry["seq"] = seq++;
        entry["prev"] = prev;
        std::string line = entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        prev = sha256_hex(line);
        text += line;
        text.push_back('\n');
        lines.push_back(std::move(line));
    }
    write_all(fd.get(), text, "append ledger");
    if (::fsync(fd.get()) != 0) {
        throw_errno("fsync ledger");
    }
    return lines;
}

void Custody::refresh() {
    UniqueFd dir(open_dir_beneath(root_fd_, "custody"));
    if (!dir) {
        return;
    }
    DIR* d = ::fdopendir(::dup(dir.get()));
    if (d == nullptr) {
        return;
    }
    std::vector<std::string> files;
    while (dirent* de = ::readdir(d)) {
        const std::string n = de->d_name;
        if (n.rfind("ledger-", 0) == 0 && n.size() > 6 && n.substr(n.size() - 6) == ".jsonl") {
            files.push_back(n);
        }
    }
    ::closedir(d);
    for (const auto& n : files) {
        UniqueFd f(open_file_beneath(dir.get(), n));
        if (!f) {
            continue;
        }
        uint64_t& off = read_offsets_[n];
        std::string pending;
        RawBuffer buf(256 * 1024);
        uint64_t pos = off;
        for (;;) {
            const size_t k = pread_full(f.get(), buf.data(), buf.size(), static_cast<off_t>(pos));
            if (k == 0) {
                break;
            }
            pos += k;
            pending.append(buf.data(), k);
            size_t start = 0;
            for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
                const std::string_view line(pending.data() + start, nl - start);
                off += line.size() + 1;
                try {
                    const auto j = nlohmann::json::parse(line);
                    const std::string outcome = j.value("outcome", "");
                    if (outcome == "ingested" || outcome == "duplicate") {
                        ingested_.emplace(j.at("upload").at("sha256").get<std::string>(),
                                          j.at("incident").get<std::string>());
                    }
                } catch (const std::exception&) {
                    // A damaged line is verify's business; it must not stop intake.
                }
            }
            pending.erase(0, start);
        }
    }
}

bool Custody::already_ingested(const std::string& sha256, const std::string& incident) {
    std::lock_guard<std::mutex> lock(mu_);
    refresh();
    return ingested_.count({sha256, incident}) != 0;
}

bool Custody::has_ingest_id(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    UniqueFd f(open_path_beneath(root_fd_, ledger_, false));
    if (!f) {
        return false;
    }
    const std::string needle = "\"ingest_id\":\"" + id + "\"";
    std::string carry;
    RawBuffer buf(1 << 20);
    off_t pos = 0;
    for (;;) {
        const size_t k = pread_full(f.get(), buf.data(), buf.size(), pos);
        if (k == 0) {
            return false;
        }
        pos += static_cast<off_t>(k);
        carry.append(buf.data(), k);
        if (carry.find(needle) != std::string::npos) {
            return true;
        }
        if (carry.size() > needle.size()) {
            carry.erase(0, carry.size() - needle.size());
        }
    }
}

std::optional<std::string> Custody::ingest_line(const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    UniqueFd f(open_path_beneath(root_fd_, ledger_, false));
    if (!f) {
        return std::nullopt;
    }
    const std::string needle = "\"ingest_id\":\"" + id + "\"";
    std::string text;
    RawBuffer buf(1 << 20);
    for (size_t k; (k = read_full(f.get(), buf.data(), buf.size())) > 0;) {
        text.append(buf.data(), k);
        const size_t hit = text.find(needle);
        if (hit != std::string::npos) {
            const size_t nl = text.find('\n', hit);
            if (nl == std::string::npos) {
                continue;  // the rest of the line is in the next read
            }
            const size_t start = text.rfind('\n', hit);
            const size_t from = start == std::string::npos ? 0 : start + 1;
            return text.substr(from, nl - from);
        }
        const size_t last_nl = text.rfind('\n');
        if (last_nl != std::string::npos) {
            text.erase(0, last_nl + 1);  // keep only the unfinished line
        }
    }
    const size_t hit = text.find(needle);
    if (hit == std::string::npos) {
        return std::nullopt;
    }
    const size_t start = text.rfind('\n', hit);
    return text.substr(start == std::string::npos ? 0 : start + 1);
}

}  // namespace evidenced::store
