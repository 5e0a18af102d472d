// aws.cloudtrail: CloudTrail events in every delivery shape, and CloudTrail digest files.
//
// Shapes (detected by content, never by name): the S3 object {"Records":[...]}, a bare
// array, NDJSON / one event per line, concatenated objects ("}{"), lookup-events output
// {"Events":[{"CloudTrailEvent":"<json>"}]} (also one Event per line), CloudWatch Logs
// export lines "<ISO time> <json>", filter-log-events {"events":[{"message":"<json>"}]},
// subscription/Firehose payloads {"messageType":"DATA_MESSAGE",...,"logEvents":[...]}
// (CONTROL_MESSAGE skipped), CloudTrail Lake GetQueryResults {"QueryResultRows":[[{"col":
// "val"},...],...]} and its saved-result CSV (lower-case Lake columns mapped back to CloudTrail
// names, cells holding JSON object/array text become JSON, everything else stays a string, a
// zone-less Lake eventtime read as UTC), CSVs with one CloudTrail event JSON per row (CloudWatch
// "Download as CSV" timestamp,message; console Event history), and digest files (dataset
// aws.cloudtrail_digest).  A CSV is claimed only when its header names Lake columns or one
// column holds CloudTrail events (so VPC flow lines in CloudWatch CSVs are left alone).
//
// Promises: every event becomes one record whose aws.cloudtrail is the original event JSON
// (whitespace removed, nothing else changed), with the ECS fields Elastic derives beside it.
// Arrays are framed element by element and CSVs read record by record from Input::read(),
// so memory is bounded by the largest single event, not by the document.  Broken JSON or CSV
// gives one evidenced.error record per event/row/line/document and parsing goes on.
#pragma once

#include <string_view>

#include "parsers/parser.hpp"

namespace evidenced::parsers {

const Parser& aws_cloudtrail_parser();

namespace aws {

// Elastic's event.category / event.type for a CloudTrail eventName, as JSON array texts
// (e.g. "[\"iam\"]", "[\"user\",\"creation\"]"); false when Elastic has no entry.  An
// empty `type` means Elastic maps the event with no event.type at all.
bool cloudtrail_categorization(std::string_view event_name,
                               std::string_view& category,
                               std::string_view& type);

}  // namespace aws

}  // namespace evidenced::parsers
