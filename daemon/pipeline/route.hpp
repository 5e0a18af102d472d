// Route: which host and source a member belongs to when the upload does not say.
//
// DESIGN.md: CloudTrail/VPC → aws-<account> (the parsers' infer_host); Linux outputs → the
// collector archive name (uac-<host>-<os>-<YYYYMMDDhhmmss>, catscale_<host>-<YYYYMMDD-HHMM>),
// a `hostname` output, a syslog host; else unknown-host.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace evidenced::parsers {
class Parser;
}

namespace evidenced::pipeline {

// The host a collector archive's (or its top folder's) name carries, if any.
std::optional<std::string> collector_host(std::string_view name);

// The evidence-tree source for a member: the parser's own, or for text nobody claims,
// linux-logs when it looks like a Linux log (var/log/..., *.log, syslog, auth.log...),
// else other.
std::string source_for(const parsers::Parser* parser, std::string_view path, bool raw_container);

// The host a syslog-style first line names ("Nov  1 12:00:00 web01 sshd[1]: ..."), if any.
std::optional<std::string> syslog_host(std::string_view head);

}  // namespace evidenced::pipeline
