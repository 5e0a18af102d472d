// SHA-256 through OpenSSL's libcrypto (EVP), incremental, with hex helpers.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace evidenced {

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&& o) noexcept : ctx_(o.ctx_) {
        o.ctx_ = nullptr;
    }
    Sha256& operator=(Sha256&&) = delete;

    void update(const void* data, size_t n);
    void update(std::string_view s) {
        update(s.data(), s.size());
    }
    // Finishes and returns lowercase hex; the object is reset for reuse.
    std::string hex();
    // Finishes into `out` (32 bytes); the object is reset for reuse.
    void digest(std::array<unsigned char, 32>& out);
    // Takes over o's state (a common prefix hashed once, continued many times).
    void copy_from(const Sha256& o);

private:
    evp_md_ctx_st* ctx_;
};

std::string sha256_hex(std::string_view data);

}  // namespace evidenced
