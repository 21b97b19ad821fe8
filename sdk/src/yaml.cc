#include "section/sdk/yaml.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

#include <yaml.h>

namespace section::yaml {
namespace detail {

// A node takes no allocation of its own: a scalar's text is a piece of Document::text, a
// collection's items a run of Document::items.
struct Node {
  enum class Kind : std::uint8_t { kNull, kScalar, kSequence, kMapping };
  Kind kind = Kind::kNull;
  int line = 0;  // 1-based
  int column = 0;
  std::uint32_t first = 0;  // a scalar's first byte in text; a collection's first item in items
  std::uint32_t size = 0;   // its bytes; its items (a mapping's keys and values, alternating)
};

struct Document {
  std::string file;
  std::vector<Node> nodes;  // the root first
  std::string text;         // every scalar, one after another
  std::vector<std::uint32_t> items;

  std::string_view scalar(const Node& node) const { return std::string_view(text).substr(node.first, node.size); }
  const std::uint32_t* items_of(const Node& node) const { return items.data() + node.first; }
};

}  // namespace detail

namespace {

// A value as an error quotes it: long text is cut at a character boundary, so that a message
// stays one readable line.
std::string quoted(const std::string& word) {
  constexpr std::size_t kMaxQuoted = 60;
  if (word.size() <= kMaxQuoted) return "'" + word + "'";
  std::size_t cut = kMaxQuoted;
  while (cut > 0 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;
  return "'" + word.substr(0, cut) + "…' (" + std::to_string(word.size()) + " bytes)";
}

std::string describe(const detail::Document& document, const detail::Node& node) {
  switch (node.kind) {
    case detail::Node::Kind::kNull: return "nothing";
    case detail::Node::Kind::kScalar: return quoted(std::string(document.scalar(node)));
    case detail::Node::Kind::kSequence: return "a list";
    case detail::Node::Kind::kMapping: return "a mapping";
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

// ---------------------------------------------------------------------------------------------
// The characters, checked before the parser sees them, for messages that say what to do. The
// files are UTF-8; a lone carriage return (an old Mac line end) is refused rather than read as
// a line break that editors would not show.
void check_characters(const std::string& text, const std::string& name) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 2 && ((byte(0) == 0xFE && byte(1) == 0xFF) || (byte(0) == 0xFF && byte(1) == 0xFE))) {
    throw Error(name, 1, 1, "", "the file is UTF-16 or UTF-32; save it as UTF-8");
  }
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = byte(i);
    if (c == '\n') {
      ++line;
      column = 1;
      continue;
    }
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      throw Error(name, line, column, "", "a carriage return without a line feed (end lines with LF or CR LF)");
    }
    // A byte order mark is the file's first character or none: one further on (files joined,
    // an editor's paste) would shift the columns of its line.
    if (c == 0xEF && i > 0 && i + 2 < text.size() && byte(i + 1) == 0xBB && byte(i + 2) == 0xBF) {
      throw Error(name, line, column, "", "a byte order mark (U+FEFF) inside the file: only its first character may be one");
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", c);
      throw Error(name, line, column, "", std::string("control character ") + code + " (a YAML file is UTF-8 text)");
    }
    ++column;
  }
}

// ---------------------------------------------------------------------------------------------
// The tree, built from libyaml's events. libyaml keeps its own stacks instead of recursing, so
// any nesting costs memory in proportion to the file, which is bounded; the depth limit is ours.

int line_of(const yaml_mark_t& mark) { return static_cast<int>(mark.line) + 1; }
int column_of(const yaml_mark_t& mark) { return static_cast<int>(mark.column) + 1; }

// YAML's words for "nothing", as a plain (unquoted) scalar.
bool is_null_word(const char* value, std::size_t length) {
  const std::string_view word(value, length);
  return word.empty() || word == "~" || word == "null" || word == "Null" || word == "NULL";
}

class Builder {
 public:
  Builder(const std::string& text, const std::string& name) : text_(text), name_(name) {
    if (!yaml_parser_initialize(&parser_)) throw Error(name_, 0, 0, "", "out of memory starting the YAML parser");
    // libyaml finds the encoding itself: only then does it take a leading byte order mark for
    // one. Given UTF-8 explicitly, it skips the mark as a character of the first line, whose
    // columns then no longer match the next lines'. Other encodings are refused before this.
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Builder() { yaml_parser_delete(&parser_); }
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  std::shared_ptr<detail::Document> build() {
    auto document = std::make_shared<detail::Document>();
    document->file = name_;
    // Our files hold about one node per 20 bytes, and less text than the file.
    document->nodes.reserve(text_.size() / 16 + 1);
    document->items.reserve(text_.size() / 16 + 1);
    document->text.reserve(text_.size());
    document_ = document.get();
    nodes_ = &document->nodes;
    bool done = false;
    while (!done) {
      Event event(parser_);
      if (!event.ok) parse_error();
      done = on(event.event);
    }
    if (nodes_->empty() || nodes_->front().kind == detail::Node::Kind::kNull) {
      throw Error(name_, 0, 0, "", "the document is empty");
    }
    return document;
  }

 private:
  // One event, deleted when done with.
  struct Event {
    explicit Event(yaml_parser_t& parser) : ok(yaml_parser_parse(&parser, &event) != 0) {}
    ~Event() {
      if (ok) yaml_event_delete(&event);
    }
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    yaml_event_t event{};
    bool ok;
  };

  // True at the end of the stream.
  bool on(const yaml_event_t& event) {
    const yaml_mark_t& mark = event.start_mark;
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > 1) {
          fail(mark, "a second YAML document starts here (after '---'); a file holds one");
        }
        return false;
      case YAML_ALIAS_EVENT: refuse_anchor(mark);
      case YAML_SCALAR_EVENT: {
        check_properties(mark, event.data.scalar.anchor, event.data.scalar.tag);
        const auto& scalar = event.data.scalar;
        const bool null = scalar.style == YAML_PLAIN_SCALAR_STYLE &&
                          is_null_word(reinterpret_cast<const char*>(scalar.value), scalar.length);
        detail::Node& node = add(mark, null ? detail::Node::Kind::kNull : detail::Node::Kind::kScalar);
        if (!null) {
          node.first = static_cast<std::uint32_t>(document_->text.size());
          node.size = static_cast<std::uint32_t>(scalar.length);
          document_->text.append(reinterpret_cast<const char*>(scalar.value), scalar.length);
        }
        return false;
      }
      case YAML_SEQUENCE_START_EVENT:
        check_properties(mark, event.data.sequence_start.anchor, event.data.sequence_start.tag);
        open(mark, detail::Node::Kind::kSequence);
        return false;
      case YAML_MAPPING_START_EVENT:
        check_properties(mark, event.data.mapping_start.anchor, event.data.mapping_start.tag);
        open(mark, detail::Node::Kind::kMapping);
        return false;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: close(); return false;
      case YAML_STREAM_END_EVENT: return true;
      default: return false;  // stream start, document end, no event
    }
  }

  detail::Node& add(const yaml_mark_t& mark, detail::Node::Kind kind) {
    if (!open_.empty()) pending_.push_back(static_cast<std::uint32_t>(nodes_->size()));
    detail::Node& node = nodes_->emplace_back();
    node.kind = kind;
    node.line = line_of(mark);
    node.column = column_of(mark);
    return node;
  }
  void open(const yaml_mark_t& mark, detail::Node::Kind kind) {
    if (static_cast<int>(open_.size()) + 1 > kMaxNesting) {
      fail(mark, "the document nests deeper than " + std::to_string(kMaxNesting) + " levels");
    }
    add(mark, kind);
    open_.push_back({static_cast<std::uint32_t>(nodes_->size() - 1), pending_.size()});
  }
  // A collection's items are pending until it ends; then they go to the document in one run.
  void close() {
    const Open open = open_.back();
    open_.pop_back();
    detail::Node& node = (*nodes_)[open.node];
    node.first = static_cast<std::uint32_t>(document_->items.size());
    node.size = static_cast<std::uint32_t>(pending_.size() - open.pending);
    document_->items.insert(document_->items.end(), pending_.begin() + static_cast<std::ptrdiff_t>(open.pending),
                            pending_.end());
    pending_.resize(open.pending);
  }

  void check_properties(const yaml_mark_t& mark, const yaml_char_t* anchor, const yaml_char_t* tag) const {
    if (anchor != nullptr) refuse_anchor(mark);
    if (tag != nullptr) {
      fail(mark, "tags (!) are not supported: every value is read as the text written "
                 "(quote a value that starts with '!')");
    }
  }
  [[noreturn]] void refuse_anchor(const yaml_mark_t& mark) const {
    fail(mark, "anchors (&) and aliases (*) are not supported: write each value out in full "
               "(and quote a value that starts with '&' or '*')");
  }
  [[noreturn]] void fail(const yaml_mark_t& mark, const std::string& reason) const {
    throw Error(name_, line_of(mark), column_of(mark), "", reason);
  }

  [[noreturn]] void parse_error() const {
    const std::string problem = parser_.problem != nullptr ? parser_.problem : "unknown error";
    switch (parser_.error) {
      case YAML_MEMORY_ERROR: throw Error(name_, 0, 0, "", "out of memory reading the YAML");
      case YAML_READER_ERROR: {
        // The reader reports a byte offset: count the lines up to it.
        const std::size_t offset = std::min(parser_.problem_offset, text_.size());
        const auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
        const std::size_t line_start = text_.rfind('\n', offset == 0 ? 0 : offset - 1);
        const std::size_t column = offset - (line_start == std::string::npos || offset == 0 ? 0 : line_start + 1) + 1;
        throw Error(name_, static_cast<int>(line), static_cast<int>(column), "", "not UTF-8 text: " + problem);
      }
      default: break;
    }
    if (problem == "did not find expected <document start>") {
      // What follows the document's root node could only start a second one.
      fail(parser_.problem_mark, "text after the end of the document: a file holds one YAML document");
    }
    std::string reason = "invalid YAML: " + problem;
    if (parser_.context != nullptr) {
      reason += " (" + std::string(parser_.context) + " at line " + std::to_string(line_of(parser_.context_mark)) +
                ", column " + std::to_string(column_of(parser_.context_mark)) + ")";
    }
    fail(parser_.problem_mark, reason);
  }

  const std::string& text_;
  const std::string& name_;
  yaml_parser_t parser_{};
  struct Open {
    std::uint32_t node;
    std::size_t pending;  // where its items start in pending_
  };
  detail::Document* document_ = nullptr;
  std::vector<detail::Node>* nodes_ = nullptr;
  std::vector<Open> open_;               // the collections not yet ended, outermost first
  std::vector<std::uint32_t> pending_;   // the items of the open collections, in order
  int documents_ = 0;
};

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

Value::Value(std::shared_ptr<const detail::Document> document, std::uint32_t node, std::string path, int fallback_line,
             int fallback_column)
    : document_(std::move(document)), node_(node), path_(std::move(path)) {
  const detail::Node& n = document_->nodes[node_];
  const bool use_fallback = n.kind == detail::Node::Kind::kNull && fallback_line > 0;
  line_ = use_fallback ? fallback_line : n.line;
  column_ = use_fallback ? fallback_column : n.column;
}

const std::string& Value::file() const { return document_->file; }

bool Value::is_null() const { return document_->nodes[node_].kind == detail::Node::Kind::kNull; }

void Value::fail(const std::string& reason) const { throw Error(document_->file, line_, column_, path_, reason); }

Map Value::open_map() const {
  const detail::Document& document = *document_;
  const detail::Node& node = document.nodes[node_];
  if (node.kind != detail::Node::Kind::kMapping) fail("expected a mapping, found " + describe(document, node));
  const std::uint32_t* items = document.items_of(node);
  std::vector<std::pair<std::string, Value>> entries;
  std::vector<std::uint32_t> keys;
  entries.reserve(node.size / 2);
  keys.reserve(node.size / 2);
  for (std::uint32_t i = 0; i + 1 < node.size; i += 2) {
    const detail::Node& key_node = document.nodes[items[i]];
    if (key_node.kind != detail::Node::Kind::kScalar) {
      Value(document_, items[i], path_).fail("a key must be a plain word, found " + describe(document, key_node));
    }
    std::string key(document.scalar(key_node));
    std::string path = child_path(path_, key);
    // An empty value has no position of its own; errors about it point at its key.
    Value value(document_, items[i + 1], std::move(path), key_node.line, key_node.column);
    entries.emplace_back(std::move(key), std::move(value));
    keys.push_back(items[i]);
  }
  // Sorted by key, with equal keys in document order: lookups and duplicates in O(n log n).
  std::vector<std::uint32_t> index(entries.size());
  for (std::uint32_t i = 0; i < index.size(); ++i) index[i] = i;
  std::stable_sort(index.begin(), index.end(), [&](std::uint32_t a, std::uint32_t b) { return entries[a].first < entries[b].first; });
  // A key given again: the earliest second occurrence in the document, beside its first.
  std::optional<std::pair<std::uint32_t, std::uint32_t>> duplicate;
  for (std::size_t i = 1; i < index.size(); ++i) {
    const bool again = entries[index[i]].first == entries[index[i - 1]].first;
    const bool second = again && (i < 2 || entries[index[i - 2]].first != entries[index[i]].first);
    if (second && (!duplicate || index[i] < duplicate->second)) duplicate = std::make_pair(index[i - 1], index[i]);
  }
  if (duplicate) {
    const auto [first, again] = *duplicate;
    const std::string& key = entries[again].first;
    Value(document_, keys[again], entries[again].second.path())
        .fail("duplicate key " + quoted(key) + " (first given at line " +
              std::to_string(document.nodes[keys[first]].line) + ")");
  }
  return Map(*this, std::move(entries), std::move(keys), std::move(index));
}

Map Value::map(std::initializer_list<const char*> allowed) const {
  Map result = open_map();
  for (std::size_t i = 0; i < result.entries_.size(); ++i) {
    const std::string& key = result.entries_[i].first;
    bool known = false;
    for (const char* word : allowed) known = known || key == word;
    if (!known) {
      Value(result.self_.document_, result.keys_[i], result.entries_[i].second.path())
          .fail("unknown key " + quoted(key) + " (expected one of: " + join(allowed) + ")");
    }
  }
  return result;
}

std::vector<Value> Value::list() const {
  if (is_null()) return {};
  const detail::Node& node = document_->nodes[node_];
  if (node.kind != detail::Node::Kind::kSequence) fail("expected a list, found " + describe(*document_, node));
  const std::uint32_t* children = document_->items_of(node);
  std::vector<Value> items;
  items.reserve(node.size);
  for (std::uint32_t i = 0; i < node.size; ++i) {
    items.push_back(Value(document_, children[i], path_ + "[" + std::to_string(i) + "]"));
  }
  return items;
}

std::string Value::text() const {
  if (is_null()) return {};
  const detail::Node& node = document_->nodes[node_];
  if (node.kind != detail::Node::Kind::kScalar) fail("expected text, found " + describe(*document_, node));
  return std::string(document_->scalar(node));
}

std::string Value::str() const {
  const detail::Node& node = document_->nodes[node_];
  if (node.kind != detail::Node::Kind::kScalar || node.size == 0) fail("expected a value, found " + describe(*document_, node));
  return std::string(document_->scalar(node));
}

std::int64_t Value::integer(std::int64_t min, std::int64_t max) const {
  const std::string word = str();
  std::int64_t parsed = 0;
  const char* begin = word.data();
  const char* end = word.data() + word.size();
  const auto [ptr, ec] = std::from_chars(begin, end, parsed);
  if (ec == std::errc::result_out_of_range) fail(quoted(word) + " is out of range");
  if (ec != std::errc() || ptr != end) fail("expected a whole number, found " + quoted(word));
  if (parsed < min || parsed > max) {
    fail(std::to_string(parsed) + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
  }
  return parsed;
}

bool Value::boolean() const {
  const std::string word = str();
  if (word == "true") return true;
  if (word == "false") return false;
  fail("expected true or false, found " + quoted(word));
}

std::string Value::choice(std::initializer_list<const char*> choices) const {
  const std::string word = str();
  for (const char* option : choices) {
    if (word == option) return word;
  }
  fail(quoted(word) + " is not one of: " + join(choices));
}

Map::Map(Value self, std::vector<std::pair<std::string, Value>> entries, std::vector<std::uint32_t> keys,
         std::vector<std::uint32_t> index)
    : self_(std::move(self)), entries_(std::move(entries)), keys_(std::move(keys)), index_(std::move(index)) {}

const Value* Map::find(const std::string& key) const {
  const auto found = std::lower_bound(index_.begin(), index_.end(), key,
                                      [&](std::uint32_t entry, const std::string& k) { return entries_[entry].first < k; });
  if (found == index_.end() || entries_[*found].first != key) return nullptr;
  return &entries_[*found].second;
}

bool Map::has(const std::string& key) const { return find(key) != nullptr; }

std::optional<Value> Map::optional(const std::string& key) const {
  if (const Value* found = find(key)) return *found;
  return std::nullopt;
}

Value Map::required(const std::string& key) const {
  if (auto found = optional(key)) return *found;
  self_.fail("missing key '" + key + "'");
}

std::vector<std::pair<std::string, Value>> Map::entries() const { return entries_; }

Value load_string(const std::string& text, const std::string& name) {
  if (text.size() > kMaxFileBytes) {
    throw Error(name, 0, 0, "", "the file is larger than the " + std::to_string(kMaxFileBytes / 1024) + " KiB a file may have");
  }
  check_characters(text, name);
  return Value(Builder(text, name).build(), 0, "");
}

Value load_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw Error(path, 0, 0, "", "is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path, 0, 0, "", "cannot read the file");
  // Read in pieces and stop past the limit, so that neither a huge file nor an endless one (a
  // device, a pipe) is read whole before it is refused.
  std::string text;
  char piece[64 * 1024];
  while (text.size() <= kMaxFileBytes && in.read(piece, sizeof piece).gcount() > 0) {
    text.append(piece, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw Error(path, 0, 0, "", "cannot read the file");
  return load_string(text, path);
}

}  // namespace section::yaml
