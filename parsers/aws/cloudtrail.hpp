// aws.cloudtrail: CloudTrail events in every delivery shape, and CloudTrail digest files.
//
// Shapes (detected by content, never by name): the S3 object {"Records":[...]}, a bare
// array, NDJSON / one event per line, concatenated objects ("}{"), lookup-events output
// {"Events":[{"CloudTrailEvent":"<json>"}]} (also one Event per line), CloudWatch Logs
// export lines "<ISO time> <json>", filter-log-events {"events":[{"message":"<json>"}]},
// subscription/Firehose payloads {"messageType":"DATA_MESSAGE",...,"logEvents":[...]}
// (CONTROL_MESSAGE skipped), and digest files (dataset aws.cloudtrail_digest).
//
// Promises: every event becomes one record whose aws.cloudtrail is the original event JSON
// (whitespace removed, nothing else changed), with the ECS fields Elastic derives beside it.
// Arrays are framed element by element from Input::read(), so memory is bounded by the
// largest single event, not by the document.  Broken JSON gives one evidenced.error record
// per event/line/document and parsing goes on.
#pragma once

#include <string_view>

#include "parsers/parser.hpp"

namespace evidenced::parsers {

const Parser& aws_cloudtrail_parser();

namespace aws {

// Elastic's event.category / event.type for a CloudTrail eventName, as JSON array texts
// (e.g. "[\"iam\"]", "[\"user\",\"creation\"]"); false when Elastic has no entry.
bool cloudtrail_categorization(std::string_view event_name,
                               std::string_view& category,
                               std::string_view& type);

}  // namespace aws

}  // namespace evidenced::parsers
