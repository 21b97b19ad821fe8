#include "section/sdk/excerpt.h"

namespace section::sdk {

std::string excerpt(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return "'" + std::string(text) + "'";
  std::size_t cut = max_bytes;
  // Back to the first byte of a UTF-8 character: a cut inside one would make the message itself
  // invalid UTF-8.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(text.substr(0, cut)) + "…' (" + std::to_string(text.size()) + " bytes)";
}

}  // namespace section::sdk
