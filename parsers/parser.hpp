// The parser interface: every evidence format is one Parser registered in parsers/registry.cpp.
//
// Contract
// - detect() looks only at the member's path and the first bytes of its (decompressed)
//   content and returns a confidence 0..100 (0 = not mine).  It is pure and cheap.
// - parse() streams the stored evidence file through `Input` and hands each record to the
//   sink.  Parsers are const and stateless: per-file state lives in locals, so one parser
//   object serves every worker thread.
// - Damaged input is data, not an exception: a line or document that cannot be parsed gives
//   one `evidenced.error` record (make_error_record) and parsing goes on.  A parser may
//   still throw on a bug; the pipeline then writes one error record for the file.
// - Records are deterministic: nothing may depend on wall-clock time, the thread, or the
//   order of hash maps.  The pipeline adds the envelope (@timestamp fallback, ecs, event.id
//   fallback, host, evidence.*), see output/envelope.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace evidenced::settings {
struct Settings;
}

namespace evidenced::parsers {

// What detect() and infer_host() may look at.
struct FileProbe {
    std::string_view path;  // member path inside the upload, sanitised, '/'-separated
    std::string_view head;  // the first bytes (up to kProbeBytes) of the stored content
    uint64_t size = 0;      // full stored size in bytes
};
inline constexpr size_t kProbeBytes = 64 * 1024;

// Facts gathered from every member of an upload before any is parsed (the `date`, `uptime`,
// `hostname` outputs of a Linux collection...), so a parser can resolve year-less times.
// Keys are parser-defined, e.g. "linux.date", "linux.hostname".
using UploadFacts = std::map<std::string, std::string>;

// What parse() knows about the file it reads.
struct ParseContext {
    std::string_view incident;
    std::string_view host;    // host chosen for this member (host.name)
    std::string_view source;  // cloudtrail | vpcflow | linux-commands | ...
    std::string_view file;    // "evidence/<incident>/<host>/<source>/<path>"
    std::string_view member;  // path inside the upload
    std::string_view upload_sha256;
    std::string_view collection_time;  // RFC 3339 UTC ms: member mtime, else upload mtime
    const UploadFacts* facts = nullptr;
    const settings::Settings* settings = nullptr;
};

// One normalized record before the envelope.  Fragments are raw JSON object members
// ("\"a\":1,\"b\":{...}") without the surrounding braces; build them with JsonWriter.
struct Record {
    std::string_view dataset;         // "aws.cloudtrail", "linux.ps", "text.lines", ...
    std::string_view kind = "event";  // event.kind
    std::string timestamp;            // "2026-11-01T12:00:00.000Z"; empty = collection time
    std::string id;                   // the source's own id; empty = derived (DESIGN.md)
    uint64_t position = 0;            // 1-based position in the file
    bool by_line = true;              // evidence.line (true) or evidence.record (false)
    std::string host_name;            // empty = ParseContext::host
    std::string host_fields;          // extra members of "host" (os, architecture...)
    std::string event_fields;         // extra members of "event" (action, outcome, category...)
    std::string body;                 // the other top-level members ("aws":{...},"source":{...})

    void clear() {
        dataset = {};
        kind = "event";
        timestamp.clear();
        id.clear();
        position = 0;
        by_line = true;
        host_name.clear();
        host_fields.clear();
        event_fields.clear();
        body.clear();
    }
};

class RecordSink {
public:
    virtual ~RecordSink() = default;
    virtual void emit(const Record& r) = 0;
};

// Sequential reader over one stored evidence file.  Lines are split on '\n' with a trailing
// '\r' removed; a line longer than max_line is returned in pieces (truncated() tells).
class Input {
public:
    virtual ~Input() = default;
    // Raw bytes; returns 0 at end of file.  Do not mix with next_line() on one Input.
    virtual size_t read(char* buf, size_t n) = 0;
    // The next line without its terminator; nullopt at end of file.  The view is valid until
    // the next call.  A final line without '\n' is still returned.
    virtual std::optional<std::string_view> next_line() = 0;
    // 1-based number of the line next_line() returned last.
    virtual uint64_t line_number() const = 0;
    // Whether the last line was cut at max_line bytes.
    virtual bool truncated() const = 0;
};

class Parser {
public:
    virtual ~Parser() = default;
    virtual std::string_view name() const = 0;    // "aws.cloudtrail"
    virtual std::string_view source() const = 0;  // evidence-tree source of files it claims
    virtual int detect(const FileProbe& probe) const = 0;
    // Host for the member when the upload does not name one (e.g. "aws-123456789012").
    virtual std::optional<std::string> infer_host(const FileProbe& /*probe*/) const {
        return std::nullopt;
    }
    // Called for every member of an upload before parsing starts (see UploadFacts).
    virtual void gather_facts(const FileProbe& /*probe*/,
                              Input& /*in*/,
                              UploadFacts& /*facts*/) const {}
    // Whether gather_facts() wants to read this member (so the pipeline opens it).
    virtual bool wants_facts(const FileProbe& /*probe*/) const {
        return false;
    }
    virtual void parse(Input& in, const ParseContext& ctx, RecordSink& sink) const = 0;
};

// An `evidenced.error` record for `position` of the file: reason (what failed) and an
// excerpt of the offending input (at most 60 bytes are kept).
Record make_error_record(uint64_t position,
                         bool by_line,
                         std::string_view reason,
                         std::string_view excerpt = {});

}  // namespace evidenced::parsers
