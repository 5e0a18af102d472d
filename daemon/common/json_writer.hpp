// JsonWriter: a small append-only JSON builder for the record hot path.
//
// Promises: output is valid UTF-8 JSON whatever bytes go in (invalid UTF-8 becomes U+FFFD,
// control characters are \u-escaped), keys appear in the order they are written (records are
// byte-stable), and nothing is allocated beyond the one output string.  Commas are placed
// automatically.  nlohmann::json stays the tool for config and small documents; this is for
// the millions of records a CloudTrail or VPC corpus produces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace evidenced {

// Appends `s` to `out` as a JSON string literal (with quotes).
void json_append_string(std::string& out, std::string_view s);

class JsonWriter {
public:
    explicit JsonWriter(std::string& out) : out_(out) {}

    // Object members.  `key` is escaped like any string.
    JsonWriter& key(std::string_view k);
    JsonWriter& str(std::string_view k, std::string_view v) {
        return key(k).value_str(v);
    }
    // "k":"v" only when v is not empty (a field the source may not have).
    JsonWriter& opt_str(std::string_view k, std::string_view v) {
        return v.empty() ? *this : str(k, v);
    }
    JsonWriter& num(std::string_view k, int64_t v) {
        return key(k).value_int(v);
    }
    JsonWriter& unum(std::string_view k, uint64_t v) {
        return key(k).value_uint(v);
    }
    JsonWriter& dbl(std::string_view k, double v) {
        return key(k).value_double(v);
    }
    JsonWriter& boolean(std::string_view k, bool v) {
        return key(k).value_bool(v);
    }
    JsonWriter& null(std::string_view k) {
        return key(k).value_null();
    }
    // `raw` must already be valid JSON (an object, array, number...).
    JsonWriter& raw(std::string_view k, std::string_view raw) {
        return key(k).value_raw(raw);
    }
    JsonWriter& begin_object(std::string_view k) {
        return key(k).begin_object();
    }
    JsonWriter& begin_array(std::string_view k) {
        return key(k).begin_array();
    }

    // Values (array elements, or the value after key()).
    JsonWriter& value_str(std::string_view v);
    JsonWriter& value_int(int64_t v);
    JsonWriter& value_uint(uint64_t v);
    JsonWriter& value_double(double v);
    JsonWriter& value_bool(bool v);
    JsonWriter& value_null();
    JsonWriter& value_raw(std::string_view raw);
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();

    // Continue writing members into an object whose '{' (and maybe some members) the caller
    // already wrote; `has_members` says whether a comma is needed before the next one.
    JsonWriter& resume_object(bool has_members);

private:
    void before_value();

    std::string& out_;
    // One flag per open container: true once it holds an element.
    std::vector<bool> nonempty_;
    bool after_key_ = false;
};

}  // namespace evidenced
