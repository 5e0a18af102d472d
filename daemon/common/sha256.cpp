#include "daemon/common/sha256.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace evidenced {

namespace {

// Fetched once: EVP_sha256() makes every DigestInit look the algorithm up again under a
// global lock, which showed up at several percent of a record-rendering profile.
const EVP_MD* sha256_md() {
    static EVP_MD* const md = [] {
        EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        if (m == nullptr) {
            throw std::runtime_error("OpenSSL: no SHA-256");
        }
        return m;
    }();
    return md;
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, sha256_md(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL: cannot initialise SHA-256");
    }
}

Sha256::~Sha256() {
    EVP_MD_CTX_free(ctx_);
}

void Sha256::update(const void* data, size_t n) {
    EVP_DigestUpdate(ctx_, data, n);
}

void Sha256::copy_from(const Sha256& o) {
    if (EVP_MD_CTX_copy_ex(ctx_, o.ctx_) != 1) {
        throw std::runtime_error("OpenSSL: cannot copy a SHA-256 state");
    }
}

void Sha256::digest(std::array<unsigned char, 32>& out) {
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, out.data(), &len);
    EVP_DigestInit_ex(ctx_, sha256_md(), nullptr);
}

std::string Sha256::hex() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    EVP_DigestInit_ex(ctx_, sha256_md(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(kHex[md[i] >> 4]);
        out.push_back(kHex[md[i] & 0xF]);
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.hex();
}

}  // namespace evidenced
