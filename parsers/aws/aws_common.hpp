// Helpers shared by the AWS parsers (CloudTrail, VPC Flow Logs): account ids from S3 key
// layouts, IP address checks and UTC timestamp formatting.
//
// Promises: pure functions, no allocation beyond the returned strings, no locale or time
// zone dependence (all times are UTC, computed arithmetically).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evidenced::parsers::aws {

// Whether `s` is exactly 12 ASCII digits (an AWS account id).
bool is_account_id(std::string_view s);

// The account a member path names: `AWSLogs/<acct>/...`, an organisation trail
// `AWSLogs/o-<org>/<acct>/...`, Hive style `aws-account-id=<acct>`, else a file name
// `<acct>_CloudTrail[-Digest|-Insight]_...` or `<acct>_vpcflowlogs_...`.  nullopt if none.
std::optional<std::string> account_from_path(std::string_view path);

// "aws-<acct>" for a valid account id, else nullopt.
std::optional<std::string> host_for_account(std::string_view account);

// Whether the whole of `s` is an IPv4 (dotted quad) or IPv6 address.
bool is_ip(std::string_view s);

// "YYYY-MM-DDTHH:MM:SS.mmmZ" for milliseconds since the Unix epoch (UTC).
std::string format_epoch_ms(int64_t ms);

// An ISO 8601 date-time ("2023-07-10T11:45:12Z", "...12.345Z", "...+11:00", a space instead
// of 'T') normalised to "YYYY-MM-DDTHH:MM:SS.mmmZ" UTC; nullopt when it is not one.
std::optional<std::string> normalize_iso8601(std::string_view s);

// Unsigned decimal integer (the whole view, at most 19 digits); nullopt otherwise.
std::optional<uint64_t> parse_uint(std::string_view s);

}  // namespace evidenced::parsers::aws
