#include "host/core/echo.h"

#include "section/sdk/excerpt.h"

namespace section {

// An id that is not UTF-8 is refused before it is echoed; excerpt() keeps the cut on a character
// boundary so that the message itself stays valid.
std::string echo(std::string_view text) { return sdk::excerpt(text, kMaxEchoed); }

}  // namespace section
