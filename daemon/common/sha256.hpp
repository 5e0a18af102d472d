// SHA-256 through OpenSSL's libcrypto, incremental, with hex helpers.
//
// The state lives inside the object (OpenSSL's SHA256_CTX, no EVP): copy_from is a plain
// copy and digest allocates nothing, which is what a record id per row needs (the EVP
// context's copy, final and cleanse were most of libcrypto's 10 % of the VPC row).  The
// block function is the same (SHA-NI where the CPU has it).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace evidenced {

class Sha256 {
public:
    Sha256();
    ~Sha256() = default;
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&& o) noexcept = default;
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
    void copy_from(const Sha256& o) {
        state_ = o.state_;
    }

private:
    // SHA256_CTX (112 bytes with OpenSSL 3), opaque here to keep libcrypto out of the header.
    struct alignas(8) State {
        unsigned char bytes[128];
    };
    State state_;
};

std::string sha256_hex(std::string_view data);

}  // namespace evidenced
