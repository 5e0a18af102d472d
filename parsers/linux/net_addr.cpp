// IP address checks (see net_addr.hpp).
#include "parsers/linux/net_addr.hpp"

#include <algorithm>
#include <string>

#include <arpa/inet.h>

namespace evidenced::parsers::linux_cmd {

bool is_ip_address(std::string_view a, bool allow_zone, bool* all_zero) {
    if (all_zero != nullptr) {
        *all_zero = false;
    }
    if (allow_zone) {
        const size_t pct = a.find('%');
        if (pct != std::string_view::npos) {
            a = a.substr(0, pct);
        }
    }
    if (a.empty() || a.size() >= INET6_ADDRSTRLEN) {
        return false;
    }
    const std::string s(a);
    unsigned char buf[16] = {};
    auto zero = [&](size_t n) {
        if (all_zero != nullptr) {
            *all_zero = std::all_of(buf, buf + n, [](unsigned char b) { return b == 0; });
        }
        return true;
    };
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
        return zero(4);
    }
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
        return zero(16);
    }
    return false;
}

}  // namespace evidenced::parsers::linux_cmd
