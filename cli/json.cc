#include "cli/json.h"

#include <google/protobuf/util/json_util.h>

namespace section::cli {

Json message_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string text;
  // The printer fails only for an Any whose type it cannot resolve; section.v1 has none.
  if (!google::protobuf::util::MessageToJsonString(message, &text, options).ok()) return Json();
  return Json::parse(text);
}

// A string that is not UTF-8 is printed with U+FFFD in place of its bad bytes rather than
// refused: the host's messages hold UTF-8 already, so this only guards against a broken one.
std::string print(const Json& json) { return json.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"; }

std::string print_line(const Json& json) { return json.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n"; }

}  // namespace section::cli
