#include "daemon/output/segments.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"

namespace evidenced::output {

namespace {

constexpr uint64_t kCopyChunk = 16 << 20;
constexpr size_t kScanBuf = 64 << 10;

// The end of the last complete line in [from, limit] of `fd` -- or, for a line longer
// than that, the end of the line running past limit (at most `to`).
uint64_t line_end_before(
    int fd, uint64_t from, uint64_t limit, uint64_t to, std::vector<char>& buf) {
    for (uint64_t scan_end = limit; scan_end > from;) {
        const uint64_t start = scan_end - std::min<uint64_t>(buf.size(), scan_end - from);
        const size_t k = pread_full(fd, buf.data(), scan_end - start, static_cast<off_t>(start));
        for (size_t i = k; i > 0; --i) {
            if (buf[i - 1] == '\n') {
                return start + i;
            }
        }
        scan_end = start;
    }
    for (uint64_t pos = limit; pos < to;) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), to - pos));
        const size_t k = pread_full(fd, buf.data(), want, static_cast<off_t>(pos));
        if (k == 0) {
            break;
        }
        if (const void* nl = std::memchr(buf.data(), '\n', k)) {
            return pos + static_cast<uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
        }
        pos += k;
    }
    return to;
}

// line_end_before for a spool held in memory.
uint64_t mem_line_end_before(const std::string& m, uint64_t from, uint64_t limit) {
    const uint64_t to = m.size();
    limit = std::min<uint64_t>(limit, to);
    if (limit > from) {
        const void* nl = ::memrchr(m.data() + from, '\n', static_cast<size_t>(limit - from));
        if (nl != nullptr) {
            return static_cast<uint64_t>(static_cast<const char*>(nl) - m.data()) + 1;
        }
    }
    const size_t next = m.find('\n', static_cast<size_t>(limit));
    return next == std::string::npos ? to : next + 1;
}

uint64_t file_size_at(int root_fd, const std::string& rel) {
    UniqueFd f(open_path_beneath(root_fd, rel, false));
    if (!f) {
        return 0;
    }
    struct stat st {};
    ::fstat(f.get(), &st);
    return static_cast<uint64_t>(st.st_size);
}

std::string segment_name(const std::string& source, const std::string& instance, uint64_t n) {
    char num[16];
    std::snprintf(num, sizeof num, "%06llu", static_cast<unsigned long long>(n));
    return source + "-" + instance + "-" + num + ".jsonl";
}

}  // namespace

SegmentStore::SegmentStore(int root_fd, std::string instance, uint64_t segment_bytes, gid_t group)
    : root_fd_(root_fd),
      instance_(std::move(instance)),
      segment_bytes_(segment_bytes),
      group_(group) {}

std::vector<SegmentStore::Part> SegmentStore::plan(const std::string& incident,
                                                   const Spool& spool,
                                                   bool force_new) {
    const std::string dir_rel = "normalized/" + incident;
    UniqueFd dir = make_dirs(root_fd_, dir_rel);
    if (group_ != static_cast<gid_t>(-1)) {
        ::fchown(dir.get(), static_cast<uid_t>(-1), group_);
    }
    // The active segment: the highest number of this source and instance.
    const std::string prefix = spool.source + "-" + instance_ + "-";
    const std::string family = dir_rel + "/" + prefix;
    uint64_t highest = 0;
    bool any = false;
    const Cursor* cursor = nullptr;
    if (cursors_ != nullptr) {
        const auto c = cursors_->find(family);
        if (c != cursors_->end()) {
            cursor = &c->second;
            highest = cursor->seg;
            any = true;
        }
    }
    if (cursor == nullptr) {
        if (DIR* d = ::fdopendir(::dup(dir.get()))) {
            while (dirent* de = ::readdir(d)) {
                const std::string n = de->d_name;
                if (n.size() == prefix.size() + 12 && n.rfind(prefix, 0) == 0 &&
                    n.substr(n.size() - 6) == ".jsonl") {
                    const std::string digits = n.substr(prefix.size(), 6);
                    if (digits.find_first_not_of("0123456789") == std::string::npos) {
                        highest = std::max<uint64_t>(highest, std::stoull(digits));
                        any = true;
                    }
                }
            }
            ::closedir(d);
        }
    }
    uint64_t seg = any ? highest : 1;
    uint64_t seg_size =
        cursor != nullptr
            ? cursor->size
            : (any ? file_size_at(root_fd_,
                                  dir_rel + "/" + segment_name(spool.source, instance_, seg))
                   : 0);
    if (any && (force_new || seg_size >= segment_bytes_)) {
        ++seg;
        seg_size = 0;
    }
    // Cut the spool at line ends so that each segment stays near segment_bytes.
    UniqueFd in;
    uint64_t total = 0;
    if (spool.mem) {
        total = spool.mem->size();
    } else {
        in.reset(open_path_beneath(root_fd_, spool.relpath, false));
        if (!in) {
            throw_errno("open spool " + spool.relpath);
        }
        struct stat st {};
        ::fstat(in.get(), &st);
        total = static_cast<uint64_t>(st.st_size);
    }
    // A big spool file (a quarter segment or more) starts a segment of its own: apply() then
    // renames it into place rather than copying it -- the bulk of a VPC upload's output, which
    // was copied whenever it still fit into the active segment (half the uploads of the VPC
    // row, ~0.85 GB through copy_file_range under the commit lock).  Segments then hold
    // between a quarter and a whole output.segment_bytes, never more files than 4x.
    if (!spool.mem && total >= segment_bytes_ / 4 && total <= segment_bytes_ && seg_size > 0) {
        ++seg;
        seg_size = 0;
    }
    std::vector<Part> parts;
    uint64_t from = 0;
    std::vector<char> buf(kScanBuf);
    while (from < total) {
        const uint64_t room = seg_size >= segment_bytes_ ? 0 : segment_bytes_ - seg_size;
        uint64_t to = total;
        if (total - from > room) {
            // Last '\n' at or before from+room; if none, the first one after it.
            to = spool.mem ? mem_line_end_before(*spool.mem, from, from + room)
                           : line_end_before(in.get(), from, from + room, total, buf);
        }
        if (to > from) {
            Part part{spool.source,
                      spool.relpath,
                      from,
                      to,
                      dir_rel + "/" + segment_name(spool.source, instance_, seg),
                      seg_size};
            part.mem = spool.mem.get();
            parts.push_back(std::move(part));
        }
        from = to;
        if (from < total) {
            ++seg;
            seg_size = 0;
        }
    }
    if (cursors_ != nullptr && !parts.empty()) {
        const Part& last = parts.back();
        (*cursors_)[family] = Cursor{seg, last.offset + (last.to - last.from)};
    }
    return parts;
}

bool SegmentStore::apply(const Part& p) {
    const size_t slash = p.segment.find_last_of('/');
    UniqueFd dir = make_dirs(root_fd_, p.segment.substr(0, slash));
    const std::string name = p.segment.substr(slash + 1);
    if (p.mem == nullptr && p.from == 0 && p.offset == 0 && !p.spool.empty() &&
        adopt_spool(p, dir.get(), name)) {
        return true;
    }
    UniqueFd out(
        ::openat(dir.get(), name.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0640));
    if (!out) {
        throw_errno("open segment " + p.segment);
    }
    if (group_ != static_cast<gid_t>(-1)) {
        ::fchown(out.get(), static_cast<uid_t>(-1), group_);
    }
    struct stat st {};
    ::fstat(out.get(), &st);
    const auto have = static_cast<uint64_t>(st.st_size);
    if (have < p.offset) {
        throw std::runtime_error("segment " + p.segment + " is shorter than its journal says");
    }
    const uint64_t done = have - p.offset;  // bytes of this part already there (recovery)
    if (done > p.to - p.from) {
        throw std::runtime_error("segment " + p.segment + " grew past its journalled part");
    }
    if (done == p.to - p.from) {
        return true;
    }
    if (p.mem != nullptr) {
        if (p.mem->size() < p.to) {
            return false;
        }
        if (::lseek(out.get(), 0, SEEK_END) < 0) {
            throw_errno("seek segment " + p.segment);
        }
        for (uint64_t pos = p.from + done; pos < p.to;) {
            const uint64_t end =
                p.to - pos > kCopyChunk ? mem_line_end_before(*p.mem, pos, pos + kCopyChunk) : p.to;
            write_all(out.get(), p.mem->data() + pos,
                      static_cast<size_t>(std::min(end, p.to) - pos), "append segment");
            pos = std::min(end, p.to);
        }
        return true;
    }
    if (p.spool.empty()) {
        return false;  // it was only in memory, in a process that is gone: regenerate it
    }
    UniqueFd in(open_path_beneath(root_fd_, p.spool, false));
    struct stat sst {};
    if (!in || ::fstat(in.get(), &sst) != 0 || static_cast<uint64_t>(sst.st_size) < p.to) {
        return false;  // a crash took the (never fsynced) spool: regenerate it
    }
    // The kernel copies (no trip through user space), in chunks that each end on '\n' so a
    // tailing forwarder never sees half a record -- except the completion of a line a crash
    // cut (recovery), which ends on '\n' too.
    if (::lseek(out.get(), 0, SEEK_END) < 0) {
        throw_errno("seek segment " + p.segment);
    }
    std::vector<char> buf(kScanBuf);
    uint64_t pos = p.from + done;
    while (pos < p.to) {
        uint64_t end = p.to;
        if (p.to - pos > kCopyChunk) {
            end = line_end_before(in.get(), pos, pos + kCopyChunk, p.to, buf);
        }
        if (copy_range(in.get(), pos, end - pos, out.get(), "append segment") != end - pos) {
            throw std::runtime_error("spool " + p.spool + " ended early");
        }
        pos = end;
    }
    return true;
}

bool SegmentStore::adopt_spool(const Part& p, int seg_dir, const std::string& name) {
    // The whole spool is this new segment's content: it becomes the segment by rename
    // (complete when it appears, so a tailing forwarder still never sees half a line).
    const size_t slash = p.spool.find_last_of('/');
    if (slash == std::string::npos) {
        return false;
    }
    UniqueFd sdir(open_path_beneath(root_fd_, p.spool.substr(0, slash), true));
    if (!sdir) {
        return false;
    }
    const std::string sname = p.spool.substr(slash + 1);
    UniqueFd in(::openat(sdir.get(), sname.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    struct stat st {};
    if (!in || ::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<uint64_t>(st.st_size) != p.to) {
        return false;
    }
    ::fchmod(in.get(), 0640);
    if (group_ != static_cast<gid_t>(-1)) {
        ::fchown(in.get(), static_cast<uid_t>(-1), group_);
    }
    try {
        return move_noreplace(sdir.get(), sname, seg_dir, name);  // false: it exists already
    } catch (const std::exception&) {
        return false;  // e.g. another file system: copy instead
    }
}

void SegmentStore::sync_segments(const std::vector<std::string>& segments) {
    for (const auto& seg : segments) {
        UniqueFd f(open_path_beneath(root_fd_, seg, false));
        if (f && ::fdatasync(f.get()) != 0) {
            throw_errno("fdatasync segment " + seg);
        }
    }
}

void SegmentStore::commit(const std::string& id,
                          const std::string& incident,
                          const std::vector<Spool>& spools,
                          const std::function<void()>& commit_point,
                          bool force_new,
                          bool durable) {
    std::vector<Part> parts;
    for (const auto& s : spools) {
        auto p = plan(incident, s, force_new);
        parts.insert(parts.end(), p.begin(), p.end());
    }
    std::vector<std::pair<std::string, std::vector<Part>>> plans;
    plans.emplace_back(id, std::move(parts));
    journal_and_apply(plans, commit_point, durable, /*always_journal=*/true);
}

void SegmentStore::commit_batch(const std::vector<Commit>& batch,
                                const std::function<void()>& commit_point,
                                bool durable) {
    std::map<std::string, Cursor> cursors;
    cursors_ = &cursors;
    std::vector<std::pair<std::string, std::vector<Part>>> plans;
    try {
        for (const auto& c : batch) {
            std::vector<Part> parts;
            if (c.spools != nullptr) {
                for (const auto& s : *c.spools) {
                    auto p = plan(c.incident, s, /*force_new=*/false);
                    parts.insert(parts.end(), p.begin(), p.end());
                }
            }
            if (!parts.empty()) {
                plans.emplace_back(c.id, std::move(parts));
            }
        }
    } catch (...) {
        cursors_ = nullptr;
        throw;
    }
    cursors_ = nullptr;
    journal_and_apply(plans, commit_point, durable, /*always_journal=*/false);
}

void SegmentStore::journal_and_apply(
    const std::vector<std::pair<std::string, std::vector<Part>>>& plans,
    const std::function<void()>& commit_point,
    bool durable,
    bool always_journal) {
    auto plan_json = [](const std::vector<Part>& parts) {
        nlohmann::json a = nlohmann::json::array();
        for (const auto& p : parts) {
            a.push_back({{"source", p.source},
                         {"spool", p.spool},
                         {"from", p.from},
                         {"to", p.to},
                         {"segment", p.segment},
                         {"offset", p.offset}});
        }
        return a;
    };
    if (plans.empty() && !always_journal) {
        commit_point();  // nothing to append: the ledger line is the whole commit
        return;
    }
    // One plan: {"id", "parts"}; several: {"id": the first, "batch": [{"id", "parts"}...]}.
    nlohmann::json intent;
    intent["id"] = plans.front().first;
    if (plans.size() == 1) {
        intent["parts"] = plan_json(plans.front().second);
    } else {
        intent["batch"] = nlohmann::json::array();
        for (const auto& [id, parts] : plans) {
            intent["batch"].push_back({{"id", id}, {"parts", plan_json(parts)}});
        }
    }
    UniqueFd idir = make_dirs(root_fd_, "work/intents", 0700);
    const std::string name = plans.front().first + ".json";
    const std::string tmp = plans.front().first + ".tmp";
    {
        UniqueFd f(::openat(idir.get(), tmp.c_str(),
                            O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!f) {
            throw_errno("write intent");
        }
        write_all(f.get(), intent.dump() + "\n");
        if (::fsync(f.get()) != 0) {
            throw_errno("fsync intent");
        }
    }
    if (::renameat(idir.get(), tmp.c_str(), idir.get(), name.c_str()) != 0) {
        throw_errno("rename intent");
    }
    ::fsync(idir.get());
    commit_point();
    std::vector<std::string> touched;
    for (const auto& [id, parts] : plans) {
        for (const auto& p : parts) {
            if (!apply(p)) {
                throw std::runtime_error("spool " + p.spool + " is missing or short");
            }
            if (std::find(touched.begin(), touched.end(), p.segment) == touched.end()) {
                touched.push_back(p.segment);
            }
        }
    }
    if (durable) {
        sync_segments(touched);
        ::unlinkat(idir.get(), name.c_str(), 0);
    } else {
        // No writeback is started here: each upload's evidence and ledger fsyncs wait for
        // the device to drain whatever is in flight, and pushing every upload's records
        // out as they were appended made those waits the bottleneck (CloudTrail row
        // 1.61 s -> 1.2 s; batches of 256 MiB started under the commit lock cost the VPC
        // row 15 %).  The kernel writes them back on its own; checkpoint() makes them
        // durable.
        pending_.push_back({name, std::move(touched)});
    }
}

void SegmentStore::checkpoint() {
    if (pending_.empty()) {
        return;
    }
    sync_segments(pending_segments());
    UniqueFd idir(open_path_beneath(root_fd_, "work/intents", true));
    if (idir) {
        for (const auto& p : pending_) {
            ::unlinkat(idir.get(), p.intent.c_str(), 0);
        }
    }
    pending_.clear();
}

std::vector<std::string> SegmentStore::pending_segments() const {
    std::vector<std::string> segs;
    for (const auto& p : pending_) {
        for (const auto& s : p.segments) {
            if (std::find(segs.begin(), segs.end(), s) == segs.end()) {
                segs.push_back(s);
            }
        }
    }
    return segs;
}

void SegmentStore::recover(const std::function<bool(const std::string&)>& committed,
                           const Regenerate& regenerate) {
    UniqueFd idir(open_path_beneath(root_fd_, "work/intents", true));
    if (!idir) {
        return;
    }
    std::vector<std::string> names;
    if (DIR* d = ::fdopendir(::dup(idir.get()))) {
        while (dirent* de = ::readdir(d)) {
            const std::string n = de->d_name;
            if (n.size() > 5 && n.substr(n.size() - 5) == ".json") {
                names.push_back(n);
            } else if (n.size() > 4 && n.substr(n.size() - 4) == ".tmp") {
                ::unlinkat(idir.get(), n.c_str(), 0);
            }
        }
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    // Parts of every committed plan, per segment in offset order: a deferred plan may
    // precede another plan's part in the same segment, and both tails may be missing.
    struct Item {
        std::string id;
        std::string intent;
        Part part;
    };
    std::map<std::string, std::vector<Item>> by_segment;
    std::vector<std::string> done_intents;
    std::set<std::string> failed;
    for (const auto& n : names) {
        UniqueFd f(open_file_beneath(idir.get(), n));
        std::string text;
        if (f) {
            char buf[65536];
            for (ssize_t k; (k = ::read(f.get(), buf, sizeof buf)) > 0;) {
                text.append(buf, static_cast<size_t>(k));
            }
        }
        try {
            const auto intent = nlohmann::json::parse(text);
            std::vector<const nlohmann::json*> plans;  // {"id", "parts"} each
            if (intent.contains("batch")) {
                for (const auto& b : intent.at("batch")) {
                    plans.push_back(&b);
                }
            } else {
                plans.push_back(&intent);
            }
            for (const nlohmann::json* plan : plans) {
                const std::string id = plan->at("id").get<std::string>();
                if (!committed(id)) {
                    continue;
                }
                for (const auto& jp : plan->at("parts")) {
                    Part p{jp.value("source", ""), jp.at("spool"), jp.at("from"), jp.at("to"),
                           jp.at("segment"),       jp.at("offset")};
                    if (p.source.empty()) {  // plans written before "source": spool-<src>.jsonl
                        const std::string base = p.spool.substr(p.spool.find_last_of('/') + 1);
                        if (base.rfind("spool-", 0) == 0 && base.size() > 12) {
                            p.source = base.substr(6, base.size() - 12);
                        }
                    }
                    by_segment[p.segment].push_back({id, n, std::move(p)});
                }
            }
        } catch (const std::exception& e) {
            spdlog::error("Cannot recover intent {}: {}", n, e.what());
            failed.insert(n);  // keep the intent for a human; never guess
            continue;
        }
        done_intents.push_back(n);
    }
    std::map<std::string, std::optional<std::vector<Spool>>> regenerated;
    std::map<std::string, size_t> recovered;
    std::vector<std::string> touched;
    for (auto& [segment, items] : by_segment) {
        std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
            return a.part.offset < b.part.offset;
        });
        for (auto& it : items) {
            if (failed.count(it.intent) != 0) {
                continue;
            }
            try {
                const uint64_t before = file_size_at(root_fd_, segment);
                bool ok = apply(it.part);
                if (!ok && regenerate) {
                    auto r = regenerated.find(it.id);
                    if (r == regenerated.end()) {
                        r = regenerated.emplace(it.id, regenerate(it.id)).first;
                    }
                    if (r->second) {
                        for (const auto& sp : *r->second) {
                            if (sp.source == it.part.source) {
                                Part q = it.part;
                                q.spool = sp.relpath;
                                q.mem = sp.mem.get();
                                ok = apply(q);
                            }
                        }
                    }
                }
                if (!ok) {
                    throw std::runtime_error(
                        "its spool is gone and the records cannot be "
                        "rendered again");
                }
                if (file_size_at(root_fd_, segment) != before) {
                    ++recovered[it.id];
                    if (std::find(touched.begin(), touched.end(), segment) == touched.end()) {
                        touched.push_back(segment);
                    }
                }
            } catch (const std::exception& e) {
                spdlog::error("Cannot recover intent {}: {}", it.intent, e.what());
                failed.insert(it.intent);
            }
        }
    }
    for (const auto& [id, n] : recovered) {
        spdlog::info("Recovered an interrupted commit. id={} parts={}", id, n);
    }
    // Deferred plans whose bytes all made it are dropped once their segments are durable.
    std::vector<std::string> segs;
    for (const auto& [segment, items] : by_segment) {
        segs.push_back(segment);
    }
    sync_segments(segs);
    for (const auto& n : done_intents) {
        if (failed.count(n) == 0) {
            ::unlinkat(idir.get(), n.c_str(), 0);
        }
    }
}

}  // namespace evidenced::output
