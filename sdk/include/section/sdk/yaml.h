// Strict reading of YAML files, shared by the host configuration and component data files.
//
// yaml-cpp accepts duplicate keys silently and leaves every check of keys and types to the
// caller. Here every error names the file, line and column, the path of the value in the
// document (e.g. "plugins[2].library") and the reason; unknown and duplicate keys are errors.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace section::yaml {

class Error : public std::runtime_error {
 public:
  // line and column are 1-based; 0 when unknown.
  Error(std::string file, int line, int column, std::string path, std::string reason);

  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& path() const { return path_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string path_;
  std::string reason_;
};

class Map;

// A node of a loaded document together with its path and file, so that any error about it can
// say where it is.
class Value {
 public:
  Value(std::shared_ptr<const std::string> file, YAML::Node node, std::string path,
        YAML::Mark fallback = YAML::Mark::null_mark());

  const std::string& path() const { return path_; }
  const std::string& file() const { return *file_; }
  int line() const;
  bool is_null() const;

  // A mapping whose keys are all among `allowed`; any other key, or a key given twice, is an
  // error.
  Map map(std::initializer_list<const char*> allowed) const;
  // A mapping with any keys (each still only once), e.g. the settings of a plugin.
  Map open_map() const;
  std::vector<Value> list() const;
  std::string str() const;                       // a non-empty scalar
  std::string text() const;                      // a scalar, possibly empty
  std::int64_t integer(std::int64_t min, std::int64_t max) const;
  bool boolean() const;                          // true or false
  // One of `choices`; the error lists them.
  std::string choice(std::initializer_list<const char*> choices) const;

  [[noreturn]] void fail(const std::string& reason) const;

 private:
  friend class Map;
  std::shared_ptr<const std::string> file_;
  YAML::Node node_;
  std::string path_;
  YAML::Mark mark_;  // where errors about this value point
};

class Map {
 public:
  bool has(const std::string& key) const;
  Value required(const std::string& key) const;
  std::optional<Value> optional(const std::string& key) const;
  // The entries in document order.
  std::vector<std::pair<std::string, Value>> entries() const;
  const Value& value() const { return self_; }

 private:
  friend class Value;
  Map(Value self, std::vector<std::pair<std::string, Value>> entries, std::vector<Value> keys);
  Value self_;
  std::vector<std::pair<std::string, Value>> entries_;
  std::vector<Value> keys_;  // where each key is written, for errors about the key itself
};

// Reads and parses a file. Throws Error for an unreadable file, a syntax error, or an empty
// document.
Value load_file(const std::string& path);
// Parses text already in memory; `name` is what errors call it.
Value load_string(const std::string& text, const std::string& name);

}  // namespace section::yaml
