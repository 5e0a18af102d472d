// libFuzzer target for aws.vpcflow: detect(), infer_host() and parse() on arbitrary bytes
// (tests/fuzz/aws_fuzz.hpp).
#include "parsers/aws/vpcflow.hpp"
#include "tests/fuzz/aws_fuzz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    return evidenced::fuzz::run_aws_parser(evidenced::parsers::aws_vpcflow_parser(), data, size);
}
