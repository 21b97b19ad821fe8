// What an error message quotes of a client's text (an id, a key): at most kMaxEchoed
// characters, so that a refusal stays one readable log line and its status always fits in a
// client's metadata (gRPC's default limit is 8 KiB; an id of 9,000 characters echoed whole made
// a client see RESOURCE_EXHAUSTED instead of the refusal).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace section {

inline constexpr std::size_t kMaxEchoed = 64;

// The text in single quotes; longer text is cut at a character boundary and its length given:
// 'qqqq…' (9000 bytes).
std::string echo(std::string_view text);

}  // namespace section
