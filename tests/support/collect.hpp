// Unit-test support: run one parser over text in memory and collect what it emits, with
// the record's pieces parsed as JSON, so a test can look at fields instead of bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "parsers/parser.hpp"

namespace evidenced::testing {

// The whole file (binary); throws when it cannot be read.
std::string slurp(const std::string& path);

struct Collected {
    std::string dataset;
    std::string timestamp;
    uint64_t position = 0;
    nlohmann::json event;  // the record's event.* fields besides dataset/id/kind
    nlohmann::json host;   // the record's host.* fields besides name
    nlohmann::json body;   // everything else the parser set
};

// The bodies of the records of one dataset, in order (error records and others left out).
std::vector<nlohmann::json> bodies_of(const std::vector<Collected>& records,
                                      std::string_view dataset);

class CollectSink final : public parsers::RecordSink {
public:
    std::vector<Collected> out;
    void emit(const parsers::Record& r) override;
};

// Parses `text` as member `member` with the registry's parser `parser` (throws if there is
// none by that name).
std::vector<Collected> run_parser(std::string_view parser,
                                  const std::string& text,
                                  std::string_view member,
                                  const parsers::UploadFacts* facts,
                                  std::string_view collection_time);

}  // namespace evidenced::testing
