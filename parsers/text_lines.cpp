// text.lines: the fallback for text no other parser claims; one record per line.
#include "daemon/common/json_writer.hpp"
#include "parsers/parser.hpp"

namespace evidenced::parsers {

namespace {

// Text = no NUL byte and mostly printable in the probe.  Binary files (images, databases,
// executables) are stored but give no records.
bool looks_like_text(std::string_view head) {
    if (head.empty()) {
        return true;
    }
    size_t odd = 0;
    for (unsigned char c : head) {
        if (c == 0) {
            return false;
        }
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b) {
            ++odd;
        }
    }
    return odd * 100 <= head.size();  // at most 1% control bytes
}

class TextLines final : public Parser {
public:
    std::string_view name() const override {
        return "text.lines";
    }
    std::string_view source() const override {
        return "other";
    }
    int detect(const FileProbe& probe) const override {
        return looks_like_text(probe.head) && probe.size > 0 ? 1 : 0;
    }
    void parse(Input& in, const ParseContext& /*ctx*/, RecordSink& sink) const override {
        Record r;
        while (auto line = in.next_line()) {
            r.clear();
            r.dataset = "text.lines";
            r.position = in.line_number();
            JsonWriter w(r.body);
            w.resume_object(false).str("message", *line);
            if (in.truncated()) {
                w.begin_object("evidenced").boolean("truncated", true).end_object();
            }
            sink.emit(r);
        }
    }
};

}  // namespace

const Parser& text_lines_parser() {
    static const TextLines kParser;
    return kParser;
}

}  // namespace evidenced::parsers
