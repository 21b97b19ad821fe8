// section-ctl's JSON. Every JSON it prints is built as an nlohmann::ordered_json (keys in the
// order they are set), messages through protobuf's JSON printer with the .proto field names, and
// printed in one layout.
#pragma once

#include <string>

#include <google/protobuf/message.h>
#include <nlohmann/json.hpp>

namespace section::cli {

using Json = nlohmann::ordered_json;

// `message` as proto3 JSON (int64 as strings, enums by name, defaults left out), with the .proto
// field names in the .proto's order.
Json message_json(const google::protobuf::Message& message);

// Indented by two spaces, with a line break at the end.
std::string print(const Json& json);
// On one line, with a line break at the end (`watch` prints one object per line).
std::string print_line(const Json& json);

}  // namespace section::cli
