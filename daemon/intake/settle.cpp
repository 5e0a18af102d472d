#include "daemon/intake/settle.hpp"

#include <algorithm>

#include "daemon/intake/names.hpp"

namespace evidenced::intake {

SettleTracker::Entry& SettleTracker::entry(const std::string& rel, bool sidecar, double now) {
    auto [it, inserted] = entries_.try_emplace(rel);
    if (inserted) {
        it->second.first_seen = now;
        it->second.changed_at = now;
        it->second.order = next_order_++;
        it->second.sidecar = sidecar;
    }
    return it->second;
}

void SettleTracker::observe(const std::string& rel,
                            const FileFacts& facts,
                            bool sidecar,
                            double now) {
    Entry& e = entry(rel, sidecar, now);
    if (!e.facts || !(*e.facts == facts)) {
        e.facts = facts;
        e.changed_at = now;
    }
}

void SettleTracker::on_write(const std::string& rel, bool sidecar, double now) {
    Entry& e = entry(rel, sidecar, now);
    e.last_write = now;
    e.changed_at = now;
    e.write_open = true;
}

void SettleTracker::on_closed(const std::string& rel, bool sidecar, double now) {
    Entry& e = entry(rel, sidecar, now);
    e.write_open = false;
    // The close itself says nothing about completeness (SFTP resume, SMB re-opens): the
    // settle clock still has to run out after it.
    e.last_write = now;
}

void SettleTracker::forget(const std::string& rel) {
    entries_.erase(rel);
}

void SettleTracker::reset_write_state() {
    for (auto& [rel, e] : entries_) {
        e.write_open = false;
    }
}

void SettleTracker::sync(const std::vector<ScanEntry>& scan, double now) {
    std::map<std::string, const ScanEntry*> seen;
    for (const auto& s : scan) {
        seen.emplace(s.rel, &s);
    }
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (!it->second.in_flight && seen.find(it->first) == seen.end()) {
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto& s : scan) {
        observe(s.rel, s.facts, s.sidecar, now);
    }
}

void SettleTracker::set_in_flight(const std::string& rel, bool in_flight) {
    auto it = entries_.find(rel);
    if (it != entries_.end()) {
        it->second.in_flight = in_flight;
    }
}

bool SettleTracker::settled(const Entry& e, double now) const {
    return e.facts && !e.write_open && now - e.changed_at >= settle_ &&
           now - e.last_write >= settle_;
}

std::vector<std::string> SettleTracker::ready(double now) const {
    std::vector<std::pair<unsigned long long, std::string>> out;
    for (const auto& [rel, e] : entries_) {
        if (e.sidecar || e.in_flight || !settled(e, now)) {
            continue;
        }
        const std::string side = rel + std::string(kSidecarSuffix);
        const auto sit = entries_.find(side);
        if (sit != entries_.end() && !settled(sit->second, now)) {
            continue;
        }
        out.emplace_back(e.order, rel);
    }
    std::sort(out.begin(), out.end());
    std::vector<std::string> rels;
    rels.reserve(out.size());
    for (auto& [order, rel] : out) {
        rels.push_back(std::move(rel));
    }
    return rels;
}

std::vector<std::string> SettleTracker::tracked() const {
    std::vector<std::string> out;
    out.reserve(entries_.size());
    for (const auto& [rel, e] : entries_) {
        if (!e.in_flight) {
            out.push_back(rel);
        }
    }
    return out;
}

std::optional<FileFacts> SettleTracker::facts(const std::string& rel) const {
    const auto it = entries_.find(rel);
    if (it == entries_.end()) {
        return std::nullopt;
    }
    return it->second.facts;
}

size_t SettleTracker::pending_uploads() const {
    size_t n = 0;
    for (const auto& [rel, e] : entries_) {
        if (!e.sidecar && !e.in_flight) {
            ++n;
        }
    }
    return n;
}

}  // namespace evidenced::intake
