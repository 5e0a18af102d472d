#include <catch2/catch.hpp>

#include "daemon/intake/settle.hpp"

using namespace evidenced::intake;

namespace {
FileFacts facts(uint64_t size, int64_t mtime) {
    FileFacts f;
    f.size = size;
    f.mtime_ns = mtime;
    f.dev = 1;
    f.ino = 42;
    return f;
}
}  // namespace

TEST_CASE("settle: an upload is ready only after size and mtime held still", "[intake]") {
    SettleTracker t(10);
    t.observe("I/h/a.tgz", facts(100, 1), false, 0);
    CHECK(t.ready(9.9).empty());
    // It grew: the clock restarts.
    t.observe("I/h/a.tgz", facts(200, 2), false, 5);
    CHECK(t.ready(14.9).empty());
    t.observe("I/h/a.tgz", facts(200, 2), false, 14.9);
    CHECK(t.ready(15.0) == std::vector<std::string>{"I/h/a.tgz"});
    // Only mtime changed (touch, or a rewrite of the same size): not settled.
    t.observe("I/h/a.tgz", facts(200, 3), false, 15.5);
    CHECK(t.ready(20).empty());
    CHECK(t.ready(25.5).size() == 1);
}

TEST_CASE("settle: a writer that still holds the file open is never taken", "[intake]") {
    SettleTracker t(1);
    t.on_write("I/h/a.tgz", false, 0);
    t.observe("I/h/a.tgz", facts(10, 1), false, 0);
    // Stalled upload: nothing changes for a long time, but no IN_CLOSE_WRITE came.
    CHECK(t.ready(1000).empty());
    t.on_closed("I/h/a.tgz", false, 1000);
    CHECK(t.ready(1000.5).empty());  // the close restarts the settle clock
    CHECK(t.ready(1001).size() == 1);
    // Events lost (queue overflow): back to the stat rule alone.
    t.on_write("I/h/b.tgz", false, 1001);
    t.observe("I/h/b.tgz", facts(10, 1), false, 1001);
    t.reset_write_state();
    CHECK(t.ready(1002).size() == 2);
}

TEST_CASE("settle: a sidecar still being written holds its upload back", "[intake]") {
    SettleTracker t(1);
    t.observe("I/h/a.tgz", facts(10, 1), false, 0);
    t.observe("I/h/a.tgz.evidenced.json", facts(5, 1), true, 0);
    t.on_write("I/h/a.tgz.evidenced.json", true, 0.5);
    CHECK(t.ready(1.2).empty());
    t.on_closed("I/h/a.tgz.evidenced.json", true, 0.6);
    CHECK(t.ready(1.7) == std::vector<std::string>{"I/h/a.tgz"});  // sidecars are never offered
}

TEST_CASE("settle: in-flight uploads are neither offered nor dropped by a rescan", "[intake]") {
    SettleTracker t(1);
    t.observe("I/h/a", facts(1, 1), false, 0);
    t.observe("I/h/b", facts(1, 1), false, 0.1);
    REQUIRE(t.ready(2) == std::vector<std::string>{"I/h/a", "I/h/b"});  // first seen first
    t.set_in_flight("I/h/a", true);
    CHECK(t.ready(2) == std::vector<std::string>{"I/h/b"});
    t.sync({}, 3);  // both vanished from the inbox (a was claimed)
    CHECK(t.ready(5).empty());
    CHECK(t.facts("I/h/a"));  // kept: its worker will report back
    CHECK_FALSE(t.facts("I/h/b"));
    CHECK(t.pending_uploads() == 0);
}
