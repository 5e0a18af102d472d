// File metadata and file-name helpers shared by the Linux parsers that read what file tools
// print (find, stat, lsattr, hashsum, lsblk/blkid): stat-style times, ls mode strings, file
// types, and the word/part tests their file-name hints are built from (also the command-line
// word test the other extended parsers' hints use).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/parser.hpp"

namespace evidenced::parsers::linux_cmd {

// ---- file names -----------------------------------------------------------------------------

// ASCII lower case; other bytes (UTF-8) unchanged.
std::string ascii_lower(std::string_view s);
// The part after the last '/'.
std::string_view path_basename(std::string_view path);
// Lower-cased words of `text`, split on every byte that is not an ASCII letter or digit (no
// CamelCase split: "SetuidFiles" is one word).
std::vector<std::string> name_words(std::string_view text);
// Whether name_words(basename of path) holds `word`.
bool basename_has_word(std::string_view path, std::string_view word);
// Whether the lower-cased basename of `path` contains `part` anywhere ("my-lsblk2.txt").
bool basename_contains(std::string_view path, std::string_view part);
// Whether command_line_hint() of the probe (its name, or a prompt/banner in its first 4 KiB)
// holds one of `words` as a whole space-separated word ("nft", "environ.txt").
bool command_line_says(const FileProbe& probe, std::initializer_list<std::string_view> words);

// ---- stat-style times -----------------------------------------------------------------------

struct StatTime {
    int64_t epoch = 0;  // UTC seconds (the offset applied)
    int millis = 0;     // the fraction cut to 3 digits
    int offset = 0;     // seconds east of UTC
};
// "YYYY-MM-DD HH:MM:SS[.fraction]" at the start of `s` (stat %x/%y/%z/%w, find's timeline)
// read as UTC (offset 0); *end is the index after the fraction.  nullopt unless the shape fits
// and month 1-12, day 1-31, hour <= 23, minute <= 59, second <= 60.
std::optional<StatTime> parse_stat_clock(std::string_view s, size_t* end);
// A numeric zone of exactly five bytes, "+0100" / "-0530", as seconds east of UTC.
std::optional<int> parse_hhmm_zone(std::string_view z);
// Applies a zone offset to a time read as UTC.
inline void apply_offset(StatTime& t, int offset) {
    t.offset = offset;
    t.epoch -= offset;
}

// ---- modes and types ------------------------------------------------------------------------

// The ten mode letters of an ls/stat mode string ("-rwsr-xr-x", "drwxrwxrwt."): a type in
// "-dlcbpsDn?" and nine permission letters in "-rwxsStT?"; 10 or 11 bytes long (the 11th is not
// checked here).
bool has_mode_letters(std::string_view t);
// ECS file.type of a mode's type letter: dir, symlink, char_device, block_device, fifo,
// socket, else file.
const char* file_type(char type_letter);

// A failure record's frame: dataset, position and event.outcome "failure" (the body is the
// caller's).
void begin_failure_record(Record& r, std::string_view dataset, uint64_t position);

}  // namespace evidenced::parsers::linux_cmd
