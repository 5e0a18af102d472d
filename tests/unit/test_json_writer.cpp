#include <catch2/catch.hpp>

#include "daemon/common/json_writer.hpp"

using evidenced::JsonWriter;

TEST_CASE("JsonWriter escapes control characters and keeps key order", "[json]") {
    std::string out;
    JsonWriter w(out);
    w.begin_object().str("b", "x\ny\"z\x01").num("a", -3).begin_array("l");
    w.value_int(1).value_str("t").end_array().null("n").end_object();
    CHECK(out == R"({"b":"x\ny\"z\u0001","a":-3,"l":[1,"t"],"n":null})");
}

TEST_CASE("JsonWriter replaces invalid UTF-8 with U+FFFD", "[json]") {
    std::string out;
    evidenced::json_append_string(out, std::string("a\xC0\xAF"
                                                   "b\xE2\x82\xAC",
                                                   7));
    CHECK(out ==
          "\"a\xEF\xBF\xBD\xEF\xBF\xBD"
          "b\xE2\x82\xAC\"");
}
