#include "tests/support/collect.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "parsers/input.hpp"
#include "parsers/registry.hpp"

namespace evidenced::testing {

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void CollectSink::emit(const parsers::Record& r) {
    Collected c;
    c.dataset = std::string(r.dataset);
    c.timestamp = r.timestamp;
    c.position = r.position;
    c.event = nlohmann::json::parse("{" + r.event_fields + "}");
    c.host = nlohmann::json::parse("{" + r.host_fields + "}");
    c.body = nlohmann::json::parse("{" + r.body + "}");
    out.push_back(std::move(c));
}

std::vector<Collected> run_parser(std::string_view parser,
                                  const std::string& text,
                                  std::string_view member,
                                  const parsers::UploadFacts* facts,
                                  std::string_view collection_time) {
    const parsers::Parser* p = parsers::find(parser);
    if (p == nullptr) {
        throw std::runtime_error("no parser named " + std::string(parser));
    }
    parsers::MemoryInput in(text);
    parsers::ParseContext ctx;
    ctx.member = member;
    ctx.collection_time = collection_time;
    ctx.facts = facts;
    CollectSink sink;
    p->parse(in, ctx, sink);
    return std::move(sink.out);
}

std::vector<nlohmann::json> bodies_of(const std::vector<Collected>& records,
                                      std::string_view dataset) {
    std::vector<nlohmann::json> out;
    for (const auto& r : records) {
        if (r.dataset == dataset) {
            out.push_back(r.body);
        }
    }
    return out;
}

}  // namespace evidenced::testing
