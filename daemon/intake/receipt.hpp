// Receipt `<upload>.evidenced-receipt.json`: tells the uploader their upload was received.
//
// Promises: write_receipt() puts the receipt beside where the upload lay in the inbox,
// atomically (hidden temp file, fsync, rename), replacing an older receipt of the same name
// (a re-drop).  The JSON is one object: upload, drop_path, incident, host, sha256, size,
// outcome, reason, time, instance, claim, members, refused, records, sidecar_error.  A
// folder that vanished meanwhile is not recreated: the function returns false.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace evidenced::intake {

struct Receipt {
    std::string upload;     // file name
    std::string drop_path;  // path below the inbox
    std::string incident;
    std::string host;
    std::string sha256;
    uint64_t size = 0;
    std::string outcome;  // ingested | partial | duplicate | quarantined | failed
    std::string reason;   // "" = null
    std::string time;     // RFC 3339 UTC, when the daemon finished
    std::string instance;
    std::string claim;
    uint64_t members = 0;
    uint64_t refused = 0;
    uint64_t records = 0;
    std::string sidecar_error;  // "" = null
};

std::string receipt_to_json(const Receipt& r);

// Writes inbox/<drop_path>.evidenced-receipt.json.  Throws std::runtime_error on I/O errors.
bool write_receipt(const std::string& inbox, const Receipt& r);

}  // namespace evidenced::intake
