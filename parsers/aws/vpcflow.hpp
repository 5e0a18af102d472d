// aws.vpcflow: VPC (and Transit Gateway) Flow Log text, versions 2-8, any field order.
//
// Format resolution, per line: the latest header line (S3 delivery writes one; concatenated
// files repeat it) defines the order; without a header, a 14-field line starting with "2"
// is the default version-2 format, a 36-field line with a `tgw-` id in its fourth column
// the Transit Gateway default format; otherwise the configured `vpcflow.formats` whose field
// count matches and whose types check.  A line no format fits becomes an evidenced.error
// record, never a guess.  CloudWatch Logs export prefixes ("<ISO time> ") and
// {"message":"..."} wrappers are stripped; blank lines, CRLF and repeated headers are fine.
// Parquet delivery gives one "unsupported format" error record (the file stays raw).
//
// CloudWatch Logs documents, told by content: `aws logs filter-log-events`/`get-log-events`
// output ({"events":[...]}, pretty or compact), subscription/Firehose payloads
// ({"messageType":"DATA_MESSAGE",...,"logEvents":[...]}, several may follow each other as
// "}{"; CONTROL_MESSAGE skipped) and the console's "Download as CSV" (`timestamp,message`).
// Each event's message is one flow line, resolved and rendered exactly as a headerless text
// line; JSON events are positioned by their 1-based element index in the file
// (evidence.record), CSV rows by line.  JSON documents are streamed element by element
// (memory bounded by one element); a cut document gives an error record after the events
// before the cut.  Detection claims these only when their first messages are flow lines.
//
// Record: every field under aws.vpcflow by its AWS name in snake_case (as Parquet, Athena
// and Elastic spell it: account-id -> account_id; Elastic's pkt_src_service/pkt_dst_service
// for pkt-src/dst-aws-service and sublocation.{type,id}), original text values, "-" =
// absent; plus Elastic's ECS map (source.*, destination.*, network.*, cloud.*, event.*).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::parsers {

const Parser& aws_vpcflow_parser();

namespace aws {

// Elastic's 29-, 39- and 40-field layouts (the `vpcflow.formats` default).
const std::vector<std::string>& elastic_vpcflow_formats();

// The network.community_id (v1, seed 0) of a flow, or nullopt when the addresses are not
// IPs or the protocol has no ports to hash.  For ICMP/ICMPv6 the port columns carry type and
// code, paired request/reply as Elastic's community_id processor does.
std::optional<std::string> community_id(std::string_view src_ip,
                                        std::string_view dst_ip,
                                        unsigned protocol,
                                        unsigned src_port,
                                        unsigned dst_port);

}  // namespace aws

}  // namespace evidenced::parsers
