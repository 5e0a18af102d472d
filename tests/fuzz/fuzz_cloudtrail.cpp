// libFuzzer target for aws.cloudtrail: detect(), infer_host() and parse() on arbitrary bytes
// (tests/fuzz/aws_fuzz.hpp).
#include "parsers/aws/cloudtrail.hpp"
#include "tests/fuzz/aws_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return evidenced::fuzz::run_aws_parser(evidenced::parsers::aws_cloudtrail_parser(), data, size);
}
