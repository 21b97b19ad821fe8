#include "host/core/echo.h"

namespace section {

std::string echo(std::string_view text) {
  if (text.size() <= kMaxEchoed) return "'" + std::string(text) + "'";
  std::size_t cut = kMaxEchoed;
  // Back to the first byte of a UTF-8 character; an id that is not UTF-8 is refused before
  // this, but a cut inside a character would make the message itself invalid.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(text.substr(0, cut)) + "…' (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace section
