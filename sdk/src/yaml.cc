#include "section/sdk/yaml.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace section::yaml {
namespace {

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Undefined: break;
  }
  return "nothing";
}

std::string join(std::initializer_list<const char*> words) {
  std::string out;
  for (const char* word : words) {
    if (!out.empty()) out += ", ";
    out += word;
  }
  return out;
}

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

}  // namespace

Error::Error(std::string file, int line, int column, std::string path, std::string reason)
    : std::runtime_error([&] {
        std::string where = file;
        if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
        return where + ": " + (path.empty() ? "" : path + ": ") + reason;
      }()),
      file_(std::move(file)),
      line_(line),
      column_(column),
      path_(std::move(path)),
      reason_(std::move(reason)) {}

Value::Value(std::shared_ptr<const std::string> file, YAML::Node node, std::string path, YAML::Mark fallback)
    : file_(std::move(file)), node_(std::move(node)), path_(std::move(path)), mark_(node_.Mark()) {
  if (mark_.is_null() || node_.IsNull()) mark_ = fallback.is_null() ? mark_ : fallback;
}

int Value::line() const { return mark_.is_null() ? 0 : mark_.line + 1; }

bool Value::is_null() const { return !node_ || node_.IsNull(); }

void Value::fail(const std::string& reason) const {
  if (mark_.is_null()) throw Error(*file_, 0, 0, path_, reason);
  throw Error(*file_, mark_.line + 1, mark_.column + 1, path_, reason);
}

Map Value::open_map() const {
  if (!node_.IsMap()) fail("expected a mapping, found " + describe(node_));
  std::vector<std::pair<std::string, Value>> entries;
  std::vector<Value> keys;
  for (const auto& pair : node_) {
    const YAML::Node key_node = pair.first;
    Value key_value(file_, key_node, path_);
    if (!key_node.IsScalar()) key_value.fail("a key must be a plain word, found " + describe(key_node));
    const std::string key = key_node.Scalar();
    for (const auto& [seen, seen_value] : entries) {
      if (seen == key) {
        Value(file_, key_node, child_path(path_, key))
            .fail("duplicate key '" + key + "' (first given at line " + std::to_string(seen_value.line()) + ")");
      }
    }
    // An empty value has no position of its own; errors about it point at its key.
    entries.emplace_back(key, Value(file_, pair.second, child_path(path_, key), key_node.Mark()));
    keys.emplace_back(file_, key_node, child_path(path_, key));
  }
  return Map(*this, std::move(entries), std::move(keys));
}

Map Value::map(std::initializer_list<const char*> allowed) const {
  Map result = open_map();
  for (std::size_t i = 0; i < result.entries_.size(); ++i) {
    const std::string& key = result.entries_[i].first;
    bool known = false;
    for (const char* word : allowed) known = known || key == word;
    if (!known) result.keys_[i].fail("unknown key '" + key + "' (expected one of: " + join(allowed) + ")");
  }
  return result;
}

std::vector<Value> Value::list() const {
  if (is_null()) return {};
  if (!node_.IsSequence()) fail("expected a list, found " + describe(node_));
  std::vector<Value> items;
  std::size_t index = 0;
  for (const YAML::Node& item : node_) {
    items.emplace_back(file_, item, path_ + "[" + std::to_string(index++) + "]");
  }
  return items;
}

std::string Value::text() const {
  if (is_null()) return {};
  if (!node_.IsScalar()) fail("expected text, found " + describe(node_));
  return node_.Scalar();
}

std::string Value::str() const {
  if (!node_.IsScalar() || node_.Scalar().empty()) fail("expected a value, found " + describe(node_));
  return node_.Scalar();
}

std::int64_t Value::integer(std::int64_t min, std::int64_t max) const {
  const std::string word = str();
  std::int64_t parsed = 0;
  const char* begin = word.data();
  const char* end = word.data() + word.size();
  const auto [ptr, ec] = std::from_chars(begin, end, parsed);
  if (ec == std::errc::result_out_of_range) fail("'" + word + "' is out of range");
  if (ec != std::errc() || ptr != end) fail("expected a whole number, found '" + word + "'");
  if (parsed < min || parsed > max) {
    fail(word + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
  }
  return parsed;
}

bool Value::boolean() const {
  const std::string word = str();
  if (word == "true") return true;
  if (word == "false") return false;
  fail("expected true or false, found '" + word + "'");
}

std::string Value::choice(std::initializer_list<const char*> choices) const {
  const std::string word = str();
  for (const char* option : choices) {
    if (word == option) return word;
  }
  fail("'" + word + "' is not one of: " + join(choices));
}

Map::Map(Value self, std::vector<std::pair<std::string, Value>> entries, std::vector<Value> keys)
    : self_(std::move(self)), entries_(std::move(entries)), keys_(std::move(keys)) {}

bool Map::has(const std::string& key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return true;
  }
  return false;
}

std::optional<Value> Map::optional(const std::string& key) const {
  for (const auto& entry : entries_) {
    if (entry.first == key) return entry.second;
  }
  return std::nullopt;
}

Value Map::required(const std::string& key) const {
  if (auto found = optional(key)) return *found;
  self_.fail("missing key '" + key + "'");
}

std::vector<std::pair<std::string, Value>> Map::entries() const { return entries_; }

Value load_string(const std::string& text, const std::string& name) {
  auto file = std::make_shared<const std::string>(name);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(name, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, "",
                "invalid YAML: " + e.msg);
  }
  if (!root || root.IsNull()) throw Error(name, 0, 0, "", "the document is empty");
  return Value(file, root, "");
}

Value load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path, 0, 0, "", "cannot read the file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error(path, 0, 0, "", "cannot read the file");
  return load_string(buffer.str(), path);
}

}  // namespace section::yaml
