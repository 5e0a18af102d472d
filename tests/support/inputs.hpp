// Unit-test streams for the parsers' read() paths: tiny uneven reads, and documents
// generated on the fly so a test of bounded memory never holds the whole input.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "parsers/input.hpp"

namespace evidenced::testing {

// Hands out the data in tiny, uneven reads (1 .. `cycle` bytes), so values straddle every
// possible buffer boundary.
class TrickleInput final : public parsers::ByteStreamInput {
public:
    explicit TrickleInput(std::string_view d, size_t cycle = 7) : d_(d), cycle_(cycle) {}
    size_t read(char* buf, size_t n) override {
        const size_t k = std::min({n, d_.size(), size_t{1} + (step_++ % cycle_)});
        std::copy_n(d_.data(), k, buf);
        d_.remove_prefix(k);
        return k;
    }

private:
    std::string_view d_;
    size_t cycle_;
    size_t step_ = 0;
};

// Generates `head`, row(0) sep row(1) sep ... row(count-1), `tail` on the fly, never holding
// it whole, and counts the bytes it handed out.
class GeneratedInput final : public parsers::ByteStreamInput {
public:
    GeneratedInput(std::string head,
                   std::function<std::string(size_t)> row,
                   std::string sep,
                   std::string tail,
                   size_t count)
        : row_(std::move(row)), sep_(std::move(sep)), tail_(std::move(tail)), left_(count) {
        pending_ = std::move(head);
    }
    size_t read(char* buf, size_t n) override {
        while (pending_.size() - off_ < n && (left_ > 0 || !closed_)) {
            pending_.erase(0, off_);
            off_ = 0;
            if (left_ > 0) {
                if (index_ > 0) {
                    pending_ += sep_;
                }
                pending_ += row_(index_++);
                --left_;
            } else {
                pending_ += tail_;
                closed_ = true;
            }
        }
        const size_t k = std::min(n, pending_.size() - off_);
        std::copy_n(pending_.data() + off_, k, buf);
        off_ += k;
        total_ += k;
        return k;
    }
    size_t total() const {
        return total_;
    }

private:
    std::function<std::string(size_t)> row_;
    std::string sep_;
    std::string tail_;
    size_t left_;
    size_t index_ = 0;
    bool closed_ = false;
    std::string pending_;
    size_t off_ = 0;
    size_t total_ = 0;
};

}  // namespace evidenced::testing
