// Strict reading of YAML files, shared by the host configuration and component data files.
//
// The text is parsed with yaml-cpp's event parser (YAML::Parser and an EventHandler) into a
// small tree of our own; YAML::Load is never used, since it expands aliases and keeps one of two
// duplicate keys without a word. Every error names the file, line and column (in characters),
// the path of the value in the document (e.g. "plugins[2].library") and the reason; unknown and
// duplicate keys are errors.
//
// Refused besides syntax errors, so that reading stays bounded in time and memory and means
// what is written: a file over kMaxFileBytes, nesting deeper than kMaxNesting (refused before
// yaml-cpp's parser recurses further), any anchor (&a), alias (*a) or tag (!t), a second
// document, text that is not UTF-8, a byte order mark anywhere but first, and control
// characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace section::yaml {

// Our largest file is about 35 KB; a file 30 times as large is surely a mistake.
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
namespace detail {
struct Document;  // the parsed tree (yaml.cc)
}  // namespace detail

// A node of a loaded document together with its path and file, so that any error about it can
// say where it is.
class Value {
 public:
  const std::string& path() const { return path_; }
  const std::string& file() const;
  int line() const { return line_; }
  bool is_null() const;
  bool is_map() const;  // a mapping (a text written by language, for one)

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
  friend Value load_string(const std::string& text, const std::string& name);
  // `fallback_*`: where errors point when the node has no text of its own (an empty value).
  Value(std::shared_ptr<const detail::Document> document, std::uint32_t node, std::string path,
        int fallback_line = 0, int fallback_column = 0);

  std::shared_ptr<const detail::Document> document_;
  std::uint32_t node_;
  std::string path_;
  int line_ = 0;  // where errors about this value point, 1-based; 0 when unknown
  int column_ = 0;
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
  Map(Value self, std::vector<std::pair<std::string, Value>> entries, std::vector<std::uint32_t> keys,
      std::vector<std::uint32_t> index);
  const Value* find(const std::string& key) const;
  Value self_;
  std::vector<std::pair<std::string, Value>> entries_;
  std::vector<std::uint32_t> keys_;   // each key's node, for errors about the key itself
  std::vector<std::uint32_t> index_;  // entries by key, so that a lookup is a binary search
};

// Reads and parses a file. Throws Error for an unreadable file, a syntax error, an empty
// document, or anything the scan above refuses.
Value load_file(const std::string& path);
// Parses text already in memory; `name` is what errors call it.
Value load_string(const std::string& text, const std::string& name);

}  // namespace section::yaml
