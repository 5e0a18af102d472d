// The low-level SHA256_* functions are deprecated in OpenSSL 3 in favour of EVP, whose
// per-call overhead (context copy, allocation, cleanse) is what this class avoids.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "daemon/common/sha256.hpp"

#include <cstring>

#include <openssl/sha.h>

namespace evidenced {

namespace {

SHA256_CTX* ctx(void* state) {
    return static_cast<SHA256_CTX*>(state);
}

}  // namespace

static_assert(sizeof(SHA256_CTX) <= 128, "Sha256::State too small for SHA256_CTX");

Sha256::Sha256() : state_{} {
    SHA256_Init(ctx(state_.bytes));
}

void Sha256::update(const void* data, size_t n) {
    SHA256_Update(ctx(state_.bytes), data, n);
}

void Sha256::digest(std::array<unsigned char, 32>& out) {
    SHA256_Final(out.data(), ctx(state_.bytes));
    SHA256_Init(ctx(state_.bytes));
}

std::string Sha256::hex() {
    std::array<unsigned char, 32> md{};
    digest(md);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(64, '0');
    for (size_t i = 0; i < md.size(); ++i) {
        out[2 * i] = kHex[md[i] >> 4];
        out[2 * i + 1] = kHex[md[i] & 0xF];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.hex();
}

}  // namespace evidenced
