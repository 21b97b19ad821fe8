// What an error message quotes of someone else's text (a YAML value, a client's id): the text in
// single quotes, and for longer text its start, cut at a character boundary, with its length:
// 'qqqq…' (9000 bytes). A message stays one readable line, and valid UTF-8 when the text is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace section::sdk {

std::string excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace section::sdk
