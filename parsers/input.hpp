// Input implementations: FdInput streams a file descriptor with a bounded buffer (memory
// does not grow with the file); MemoryInput reads a buffer (fuzzers, unit tests).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "parsers/parser.hpp"

namespace evidenced::parsers {

// Longest line handed out whole; longer ones come in pieces flagged truncated().
inline constexpr size_t kMaxLine = 1 << 20;

// An Input served through read() only (adapters that re-serve bytes, test streams):
// next_line() is not available from it.
class ByteStreamInput : public Input {
public:
    std::optional<std::string_view> next_line() override {
        return std::nullopt;
    }
    uint64_t line_number() const override {
        return 0;
    }
    bool truncated() const override {
        return false;
    }
};

class BufferedInput : public Input {
public:
    explicit BufferedInput(size_t max_line = kMaxLine);
    size_t read(char* buf, size_t n) override;
    std::optional<std::string_view> next_line() override;
    uint64_t line_number() const override {
        return line_;
    }
    bool truncated() const override {
        return truncated_;
    }

protected:
    // Fill `buf` with up to n bytes from the underlying source; 0 = end.
    virtual size_t fill(char* buf, size_t n) = 0;

private:
    std::string buf_;
    size_t pos_ = 0;  // start of unread data in buf_
    size_t end_ = 0;  // end of valid data in buf_
    bool eof_ = false;
    size_t max_line_;
    uint64_t line_ = 0;
    bool truncated_ = false;
};

class FdInput final : public BufferedInput {
public:
    explicit FdInput(int fd, size_t max_line = kMaxLine) : BufferedInput(max_line), fd_(fd) {}

protected:
    size_t fill(char* buf, size_t n) override;

private:
    int fd_;  // not owned
};

class MemoryInput final : public BufferedInput {
public:
    explicit MemoryInput(std::string_view data, size_t max_line = kMaxLine)
        : BufferedInput(max_line), data_(data) {}

protected:
    size_t fill(char* buf, size_t n) override;

private:
    std::string_view data_;
};

}  // namespace evidenced::parsers
