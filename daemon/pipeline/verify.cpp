#include "daemon/pipeline/verify.hpp"

#include <algorithm>
#include <map>
#include <ostream>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/common/fd.hpp"
#include "daemon/common/sha256.hpp"
#include "daemon/store/names.hpp"

namespace evidenced::pipeline {

namespace {

std::optional<std::string> hash_file(int root_fd, const std::string& rel) {
    UniqueFd f(open_path_beneath(root_fd, rel, false));
    if (!f) {
        return std::nullopt;
    }
    Sha256 h;
    std::vector<char> buf(1 << 20);
    for (;;) {
        const size_t k = read_full(f.get(), buf.data(), buf.size());
        if (k == 0) {
            break;
        }
        h.update(buf.data(), k);
    }
    return h.hex();
}

std::vector<std::string> list_dir(int dirfd) {
    std::vector<std::string> names;
    if (DIR* d = ::fdopendir(::dup(dirfd))) {
        while (dirent* de = ::readdir(d)) {
            const std::string n = de->d_name;
            if (n != "." && n != "..") {
                names.push_back(n);
            }
        }
        ::closedir(d);
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

bool verify(const std::string& root,
            const std::optional<std::string>& incident,
            std::ostream& out) {
    UniqueFd root_fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root_fd) {
        out << "cannot open data root " << root << "\n";
        return false;
    }
    const std::optional<std::string> want =
        incident ? std::optional<std::string>(store::safe_name(*incident)) : std::nullopt;
    bool ok = true;
    UniqueFd custody(open_dir_beneath(root_fd.get(), "custody"));
    if (!custody) {
        out << "no custody/ folder under " << root << "\n";
        return false;
    }
    std::map<std::string, std::string> checked;  // path → sha, hashed once
    uint64_t uploads = 0;
    uint64_t files = 0;
    for (const auto& name : list_dir(custody.get())) {
        if (name.rfind("ledger-", 0) != 0) {
            continue;
        }
        const std::string ledger = "custody/" + name;
        UniqueFd f(open_file_beneath(custody.get(), name));
        if (!f) {
            out << ledger << ": cannot open\n";
            ok = false;
            continue;
        }
        std::string text;
        std::vector<char> buf(1 << 20);
        for (size_t k; (k = read_full(f.get(), buf.data(), buf.size())) > 0;) {
            text.append(buf.data(), k);
        }
        std::string prev(64, '0');
        uint64_t expect_seq = 1;
        size_t start = 0;
        while (start < text.size()) {
            size_t nl = text.find('\n', start);
            if (nl == std::string::npos) {
                out << ledger << ": last line is not terminated (interrupted write?)\n";
                ok = false;
                nl = text.size();
            }
            const std::string line = text.substr(start, nl - start);
            start = nl + 1;
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(line);
            } catch (const std::exception&) {
                out << ledger << ": line " << expect_seq << " is not JSON\n";
                ok = false;
                prev = sha256_hex(line);
                ++expect_seq;
                continue;
            }
            const uint64_t seq = j.value("seq", uint64_t{0});
            if (seq != expect_seq) {
                out << ledger << ": seq " << seq << " where " << expect_seq << " was expected\n";
                ok = false;
            }
            if (j.value("prev", std::string()) != prev) {
                out << ledger << ": seq " << seq
                    << ": prev does not match the previous line (chain broken)\n";
                ok = false;
            }
            prev = sha256_hex(line);
            expect_seq = seq + 1;
            const std::string inc = j.value("incident", std::string());
            if (want && inc != *want) {
                continue;
            }
            ++uploads;
            const std::string sha = j.at("upload").value("sha256", std::string());
            std::string original = j.value("original", std::string());
            const std::string outcome = j.value("outcome", std::string());
            if (outcome == "quarantined") {
                original = "quarantine/" + sha + "/" +
                           store::sanitize_component(j.at("upload").value("name", std::string()));
            } else if (original.empty()) {
                original = "custody/originals/" + sha + "/" +
                           store::sanitize_component(j.at("upload").value("name", std::string()));
            }
            if (outcome != "duplicate") {
                auto it = checked.find(original);
                if (it == checked.end()) {
                    it = checked.emplace(original, hash_file(root_fd.get(), original).value_or(""))
                             .first;
                    ++files;
                }
                if (it->second.empty()) {
                    out << original << ": missing (upload " << j.at("upload").value("name", "")
                        << ", " << ledger << " seq " << seq << ")\n";
                    ok = false;
                } else if (it->second != sha) {
                    out << original << ": sha256 " << it->second << " differs from the ledger's "
                        << sha << "\n";
                    ok = false;
                }
            }
            for (const auto& m : j.value("members", nlohmann::json::array())) {
                if (!m.contains("stored") || !m["stored"].is_string()) {
                    continue;
                }
                const std::string stored = m["stored"];
                const std::string msha = m.value("sha256", std::string());
                auto it = checked.find(stored);
                if (it == checked.end()) {
                    it = checked.emplace(stored, hash_file(root_fd.get(), stored).value_or(""))
                             .first;
                    ++files;
                }
                if (it->second.empty()) {
                    out << stored << ": missing (member " << m.value("path", "") << ")\n";
                    ok = false;
                } else if (it->second != msha) {
                    out << stored << ": sha256 " << it->second << " differs from the ledger's "
                        << msha << "\n";
                    ok = false;
                }
            }
        }
    }
    out << (ok ? "OK" : "MISMATCH") << ": " << uploads << " uploads, " << files
        << " files checked\n";
    return ok;
}

}  // namespace evidenced::pipeline
