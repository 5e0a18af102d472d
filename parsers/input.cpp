#include "parsers/input.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace evidenced::parsers {

namespace {
constexpr size_t kChunk = 256 * 1024;
}

BufferedInput::BufferedInput(size_t max_line) : max_line_(max_line) {}

size_t BufferedInput::read(char* buf, size_t n) {
    if (pos_ < end_) {
        const size_t k = std::min(n, end_ - pos_);
        std::memcpy(buf, buf_.data() + pos_, k);
        pos_ += k;
        return k;
    }
    if (eof_) {
        return 0;
    }
    const size_t k = fill(buf, n);
    if (k == 0) {
        eof_ = true;
    }
    return k;
}

std::optional<std::string_view> BufferedInput::next_line() {
    truncated_ = false;
    for (;;) {
        const char* start = buf_.data() + pos_;
        const size_t avail = end_ - pos_;
        const void* nl = avail ? std::memchr(start, '\n', std::min(avail, max_line_ + 1)) : nullptr;
        if (nl != nullptr || avail > max_line_ || (eof_ && avail > 0)) {
            size_t len;
            size_t consumed;
            if (nl != nullptr) {
                len = static_cast<size_t>(static_cast<const char*>(nl) - start);
                consumed = len + 1;
            } else if (avail > max_line_) {
                len = max_line_;
                consumed = len;
                truncated_ = true;
            } else {
                len = avail;
                consumed = avail;
            }
            pos_ += consumed;
            ++line_;
            if (!truncated_ && len > 0 && start[len - 1] == '\r') {
                --len;
            }
            return std::string_view(start, len);
        }
        if (eof_) {
            return std::nullopt;
        }
        // Compact, grow if needed, and refill.
        if (pos_ > 0) {
            std::memmove(buf_.data(), buf_.data() + pos_, avail);
            end_ = avail;
            pos_ = 0;
        }
        if (buf_.size() < end_ + kChunk) {
            buf_.resize(end_ + kChunk);
        }
        const size_t k = fill(buf_.data() + end_, buf_.size() - end_);
        if (k == 0) {
            eof_ = true;
        }
        end_ += k;
    }
}

size_t FdInput::fill(char* buf, size_t n) {
    for (;;) {
        const ssize_t k = ::read(fd_, buf, n);
        if (k >= 0) {
            return static_cast<size_t>(k);
        }
        if (errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "read evidence file");
        }
    }
}

size_t MemoryInput::fill(char* buf, size_t n) {
    const size_t k = std::min(n, data_.size());
    std::memcpy(buf, data_.data(), k);
    data_.remove_prefix(k);
    return k;
}

}  // namespace evidenced::parsers
