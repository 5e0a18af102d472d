// Verify: re-hashes custody against every ledger under the root.
//
// Checks each ledger's chain (seq counts up from 1, "prev" = sha256 of the previous line),
// each upload's original (custody/originals or quarantine) and each stored member.  Prints
// one line per difference to `out`; returns true only when everything matches.  With
// `incident`, originals and members are checked for that incident only (chains always).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace evidenced::pipeline {

bool verify(const std::string& root, const std::optional<std::string>& incident, std::ostream& out);

}  // namespace evidenced::pipeline
