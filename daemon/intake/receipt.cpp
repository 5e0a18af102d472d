#include "daemon/intake/receipt.hpp"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "daemon/intake/claims.hpp"
#include "daemon/intake/names.hpp"

namespace evidenced::intake {

std::string receipt_to_json(const Receipt& r) {
    auto str_or_null = [](const std::string& s) {
        return s.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s);
    };
    nlohmann::ordered_json j;
    j["upload"] = r.upload;
    j["drop_path"] = r.drop_path;
    j["incident"] = r.incident;
    j["host"] = str_or_null(r.host);
    j["sha256"] = str_or_null(r.sha256);
    j["size"] = r.size;
    j["outcome"] = r.outcome;
    j["reason"] = str_or_null(r.reason);
    j["time"] = r.time;
    j["instance"] = r.instance;
    j["claim"] = r.claim;
    j["members"] = r.members;
    j["refused"] = r.refused;
    j["records"] = r.records;
    j["sidecar_error"] = str_or_null(r.sidecar_error);
    return j.dump(2) + "\n";
}

bool write_receipt(const std::string& inbox, const Receipt& r) {
    const std::string path = inbox + "/" + r.drop_path;
    const auto slash = path.rfind('/');
    const std::string dir = path.substr(0, slash);
    const std::string name = path.substr(slash + 1);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return false;
    }
    write_file_atomic(dir, receipt_name(name), receipt_to_json(r), 0644);
    return true;
}

}  // namespace evidenced::intake
