#include "daemon/common/json_writer.hpp"
#include "parsers/parser.hpp"

namespace evidenced::parsers {

Record make_error_record(uint64_t position,
                         bool by_line,
                         std::string_view reason,
                         std::string_view excerpt) {
    Record r;
    r.dataset = "evidenced.error";
    r.position = position;
    r.by_line = by_line;
    JsonWriter ev(r.event_fields);
    ev.resume_object(false).str("outcome", "failure");
    JsonWriter w(r.body);
    w.resume_object(false).begin_object("error").str("message", reason);
    if (!excerpt.empty()) {
        // Keep at most 60 bytes, cut on a UTF-8 boundary so the excerpt stays readable.
        size_t n = std::min<size_t>(excerpt.size(), 60);
        while (n > 0 && n < excerpt.size() &&
               (static_cast<unsigned char>(excerpt[n]) & 0xC0) == 0x80) {
            --n;
        }
        w.str("excerpt", excerpt.substr(0, n));
    }
    w.end_object();
    return r;
}

}  // namespace evidenced::parsers
