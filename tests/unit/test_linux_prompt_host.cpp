// The host a hand-saved output's shell prompt names: the upload's host when no collector
// archive name or hostname output gives one (DESIGN.md's host order, prompt between a
// hostname output and a syslog line).
#include <string>

#include <catch2/catch.hpp>

#include "parsers/linux/common.hpp"

using evidenced::parsers::FileProbe;
using evidenced::parsers::UploadFacts;
using evidenced::parsers::linux_cmd::gather_collection_facts;
using evidenced::parsers::linux_cmd::kFactPromptHost;
using evidenced::parsers::linux_cmd::prompt_host;
using evidenced::parsers::linux_cmd::wants_collection_facts;

TEST_CASE("prompt host: the usual shell prompts", "[linux][host]") {
    CHECK(prompt_host("root@web01:~# ps auxf\nUSER PID\n") == "web01");
    CHECK(prompt_host("[root@db-02 ~]# netstat -nalp\r\nActive\r\n") == "db-02");
    CHECK(prompt_host("analyst@jump.example.com:/tmp$ ss -tanp\n") == "jump.example.com");
    CHECK(prompt_host("(venv) ops@app3:~/x$ lsof -nP\n") == "app3");
    CHECK(prompt_host("\n\nScript started on 2026-11-27\nroot@h9:~# w\n") == "h9");
}

TEST_CASE("prompt host: what names no host", "[linux][host]") {
    CHECK_FALSE(prompt_host("USER PID %CPU\nroot 1 0.0\n"));
    CHECK_FALSE(prompt_host("$ mail root@mx.example.com\n"));  // the '@' is the command's
    CHECK_FALSE(prompt_host("root@localhost:~# ps\n"));        // names nothing
    CHECK_FALSE(prompt_host("# ps auxf\nUSER PID\n"));         // a banner, not a prompt
    CHECK_FALSE(prompt_host("root@bad host!:~# ps\n"));
}

TEST_CASE("prompt host: gathered as a fact, the first prompt wins", "[linux][host]") {
    const std::string text = "root@web01:~# ps auxf\nUSER PID\n";
    const FileProbe probe{"triage/ps.txt", text, text.size()};
    CHECK(wants_collection_facts(probe));
    UploadFacts facts;
    gather_collection_facts(probe, text, facts);
    const std::string other = "root@web02:~# w\n";
    gather_collection_facts(FileProbe{"triage/w.txt", other, other.size()}, other, facts);
    REQUIRE(facts.count(std::string(kFactPromptHost)) == 1);
    CHECK(facts.at(std::string(kFactPromptHost)) == "web01");
    const std::string plain = "USER PID\nroot 1\n";
    CHECK_FALSE(wants_collection_facts(FileProbe{"triage/ps2.txt", plain, plain.size()}));
}
