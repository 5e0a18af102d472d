// IP address checks shared by the Linux parsers that read addresses out of text
// (/etc/hosts, resolv.conf, utmpdump).
#pragma once

#include <string_view>

namespace evidenced::parsers::linux_cmd {

// Whether `a` is an IPv4 or IPv6 address inet_pton(3) accepts.  With allow_zone, a "%eth0"
// scope suffix is cut off first (fe80::1%eth0).  *all_zero, when given, says whether the
// address is 0.0.0.0 / :: (false when `a` is no address).
bool is_ip_address(std::string_view a, bool allow_zone, bool* all_zero = nullptr);

}  // namespace evidenced::parsers::linux_cmd
