// Strict reading of YAML files, shared by the host configuration and component data files.
//
// yaml-cpp accepts duplicate keys silently and leaves every check of keys and types to the
// caller. Here every error names the file, line and column, the path of the value in the
// document (e.g. "plugins[2].library") and the reason; unknown and duplicate keys are errors.
//
// Before yaml-cpp sees a text, a linear scan refuses what would make reading it unbounded in
// time or memory, or silently different from what is written: a file over kMaxFileBytes,
// nesting deeper than kMaxNesting, any anchor (&a), alias (*a) or tag (!t), a second document
// (which yaml-cpp drops without a word) and control characters. yaml-cpp's parser recurses
// once per level of nesting, and a tree that reaches one node through many aliases makes every
// walk of it exponential ("billion laughs").
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace section::yaml {

// Our largest file is about 35 KB. yaml-cpp needs about 250 MB and a second or so for a
// worst-case document of this size; four times as much took over a gigabyte.
inline constexpr std::size_t kMaxFileBytes = 1024 * 1024;
// Our files nest fewer than 10 levels (each block or flow mapping or sequence is one).
inline constexpr int kMaxNesting = 64;

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
  Map(Value self, std::vector<std::pair<std::string, Value>> entries, std::vector<Value> keys,
      std::unordered_map<std::string, std::size_t> index);
  Value self_;
  std::vector<std::pair<std::string, Value>> entries_;
  std::vector<Value> keys_;  // where each key is written, for errors about the key itself
  std::unordered_map<std::string, std::size_t> index_;  // key -> entry, so lookups stay O(1)
};

// Reads and parses a file. Throws Error for an unreadable file, a syntax error, an empty
// document, or anything the scan above refuses.
Value load_file(const std::string& path);
// Parses text already in memory; `name` is what errors call it.
Value load_string(const std::string& text, const std::string& name);

}  // namespace section::yaml
