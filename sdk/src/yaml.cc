#include "section/sdk/yaml.h"

#include "section/sdk/excerpt.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>

#include <istream>
#include <streambuf>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

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

// A value as an error quotes it (section/sdk/excerpt.h).
std::string quoted(const std::string& word) { return sdk::excerpt(word, 60); }

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
// The text, checked before the parser sees it. yaml-cpp checks no encoding: it reads UTF-16 and
// UTF-32 too, passes malformed UTF-8 through into values, and takes byte 0x04 for the end of the
// input. A lone carriage return (an old Mac line end) is refused rather than read as a line
// break that editors would not show. The scan also notes where each line starts, so that
// yaml-cpp's positions (lines, and bytes within a line) become lines and characters.

// Where each line starts; line 1 starts after a leading byte order mark, which yaml-cpp skips
// without counting it.
struct Lines {
  const std::string* text = nullptr;
  std::vector<std::uint32_t> starts;

  // The 1-based character column of byte `byte_column` (0-based) of line `line` (0-based).
  int column(int line, int byte_column) const {
    if (line < 0 || static_cast<std::size_t>(line) >= starts.size() || byte_column < 0) return 0;
    const std::size_t begin = starts[static_cast<std::size_t>(line)];
    const std::size_t end = std::min(text->size(), begin + static_cast<std::size_t>(byte_column));
    int characters = 1;
    for (std::size_t i = begin; i < end; ++i) characters += ((*text)[i] & 0xC0) != 0x80;
    return characters;
  }
  std::string_view line_text(int line) const {
    if (line < 0 || static_cast<std::size_t>(line) >= starts.size()) return {};
    const std::size_t begin = starts[static_cast<std::size_t>(line)];
    std::size_t end = text->find('\n', begin);
    if (end == std::string::npos) end = text->size();
    if (end > begin && (*text)[end - 1] == '\r') --end;
    return std::string_view(*text).substr(begin, end - begin);
  }
};

// The length of the UTF-8 sequence at text[i], or 0 when it is malformed: a stray continuation
// byte, a truncated sequence, an overlong form, a surrogate or a code point past U+10FFFF.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  const unsigned char c = byte(i);
  const auto continuation = [&](std::size_t k, unsigned low = 0x80, unsigned high = 0xBF) {
    return byte(k) >= low && byte(k) <= high;
  };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    const unsigned low = c == 0xE0 ? 0xA0 : 0x80;
    const unsigned high = c == 0xED ? 0x9F : 0xBF;
    return continuation(i + 1, low, high) && continuation(i + 2) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    const unsigned low = c == 0xF0 ? 0x90 : 0x80;
    const unsigned high = c == 0xF4 ? 0x8F : 0xBF;
    return continuation(i + 1, low, high) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
  }
  return 0;
}

// UTF-16 and UTF-32 put a zero byte first or second in any text that starts with ASCII.
bool looks_like_utf16_or_32(const std::string& text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.size() >= 2 && ((byte(0) == 0xFE && byte(1) == 0xFF) || (byte(0) == 0xFF && byte(1) == 0xFE))) return true;
  return text.size() >= 2 && (text[0] == '\0' || text[1] == '\0');
}

Lines check_characters(const std::string& text, const std::string& name) {
  if (looks_like_utf16_or_32(text)) throw Error(name, 1, 1, "", "the file is UTF-16 or UTF-32; save it as UTF-8");
  Lines lines;
  lines.text = &text;
  lines.starts.reserve(text.size() / 32 + 1);
  std::size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  lines.starts.push_back(static_cast<std::uint32_t>(i));
  int column = 1;
  const auto line = [&] { return static_cast<int>(lines.starts.size()); };
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      lines.starts.push_back(static_cast<std::uint32_t>(i + 1));
      column = 1;
      ++i;
      continue;
    }
    if (c == '\r' && (i + 1 == text.size() || text[i + 1] != '\n')) {
      throw Error(name, line(), column, "", "a carriage return without a line feed (end lines with LF or CR LF)");
    }
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", c);
      throw Error(name, line(), column, "", std::string("control character ") + code + " (a YAML file is UTF-8 text)");
    }
    const std::size_t length = utf8_length(text, i);
    if (length == 0) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", c);
      throw Error(name, line(), column, "", std::string("not UTF-8 text: byte ") + code +
                                                " does not start a valid UTF-8 character (save the file as UTF-8)");
    }
    // A byte order mark is the file's first character or none: one further on (files joined,
    // an editor's paste) would shift the columns of its line.
    if (length == 3 && text.compare(i, 3, "\xEF\xBB\xBF") == 0) {
      throw Error(name, line(), column, "", "a byte order mark (U+FEFF) inside the file: only its first character may be one");
    }
    i += length;
    ++column;
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The tree, built from yaml-cpp's events (YAML::Parser with an EventHandler; YAML::Load would
// expand aliases and keep one of two duplicate keys without a word). yaml-cpp's parser recurses
// once per level, and it announces each collection before it descends into it: refusing the
// level past kMaxNesting there bounds its recursion. An anchor, alias or tag is refused where it
// is met, so nothing is ever expanded.

// An istream over the text without copying it.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(const std::string& text) {
    char* begin = const_cast<char*>(text.data());  // read only: the get area is never written
    setg(begin, begin, begin + text.size());
  }
};

class Builder : public YAML::EventHandler {
 public:
  Builder(const std::string& text, const std::string& name, const Lines& lines)
      : text_(text), name_(name), lines_(lines) {}

  std::shared_ptr<detail::Document> build() {
    auto document = std::make_shared<detail::Document>();
    document->file = name_;
    // Our files hold about one node per 20 bytes, and less text than the file.
    document->nodes.reserve(text_.size() / 16 + 1);
    document->items.reserve(text_.size() / 16 + 1);
    document->text.reserve(text_.size());
    document_ = document.get();
    nodes_ = &document->nodes;
    TextBuffer buffer(text_);
    std::istream in(&buffer);
    YAML::Parser parser(in);
    try {
      if (!parser.HandleNextDocument(*this)) throw Error(name_, 0, 0, "", "the document is empty");
      // A second document is refused at its start (OnDocumentStart). Only twice: yaml-cpp can
      // find an empty document after some text forever ("[a]\n, b").
      parser.HandleNextDocument(*this);
    } catch (const YAML::ParserException& e) {
      parse_error(e);
    } catch (const YAML::Exception& e) {
      throw Error(name_, 0, 0, "", std::string("invalid YAML: ") + e.what());
    }
    refuse_trailing_directive();
    if (nodes_->empty() || nodes_->front().kind == detail::Node::Kind::kNull) {
      throw Error(name_, 0, 0, "", "the document is empty");
    }
    return document;
  }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 1) return;
    if (text_.compare(offset(mark), 3, "---") == 0) {
      fail(mark, "a second YAML document starts here (after '---'); a file holds one");
    }
    fail(mark, "text after the end of the document: a file holds one YAML document");
  }
  void OnDocumentEnd() override {}
  void OnAnchor(const YAML::Mark& mark, const std::string&) override { refuse_anchor(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { refuse_anchor(mark); }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    check_properties(mark, "?", anchor);
    add(mark, detail::Node::Kind::kNull);
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, const std::string& value) override {
    check_properties(mark, tag, anchor);
    detail::Node& node = add(mark, detail::Node::Kind::kScalar);
    node.first = static_cast<std::uint32_t>(document_->text.size());
    node.size = static_cast<std::uint32_t>(value.size());
    document_->text += value;
    last_scalar_ = nodes_->size() - 1;
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    check_properties(mark, tag, anchor);
    open(mark, detail::Node::Kind::kSequence);
  }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    check_properties(mark, tag, anchor);
    open(mark, detail::Node::Kind::kMapping);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }

 private:
  std::size_t offset(const YAML::Mark& mark) const {
    const int line = mark.line;
    if (line < 0 || static_cast<std::size_t>(line) >= lines_.starts.size()) return text_.size();
    return std::min(text_.size(), static_cast<std::size_t>(lines_.starts[static_cast<std::size_t>(line)]) +
                                      static_cast<std::size_t>(std::max(mark.column, 0)));
  }

  detail::Node& add(const YAML::Mark& mark, detail::Node::Kind kind) {
    if (!open_.empty()) pending_.push_back(static_cast<std::uint32_t>(nodes_->size()));
    detail::Node& node = nodes_->emplace_back();
    node.kind = kind;
    node.line = mark.line + 1;
    node.column = lines_.column(mark.line, mark.column);
    return node;
  }
  void open(const YAML::Mark& mark, detail::Node::Kind kind) {
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

  // yaml-cpp gives a node without a tag the tag "?" ("!" for a quoted scalar), and an explicit
  // tag its text; the node's position is that of its first property, so an explicit "!" shows
  // there too.
  void check_properties(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor) const {
    if (anchor != YAML::NullAnchor) refuse_anchor(mark);
    const std::size_t at = offset(mark);
    if ((tag != "?" && tag != "!") || (at < text_.size() && text_[at] == '!')) {
      fail(mark, "tags (!) are not supported: every value is read as the text written "
                 "(quote a value that starts with '!')");
    }
    if (at < text_.size() && text_[at] == '&') refuse_anchor(mark);
  }
  [[noreturn]] void refuse_anchor(const YAML::Mark& mark) const {
    fail(mark, "anchors (&) and aliases (*) are not supported: write each value out in full "
               "(and quote a value that starts with '&' or '*')");
  }
  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& reason) const {
    throw Error(name_, mark.line + 1, lines_.column(mark.line, mark.column), "", reason);
  }

  [[noreturn]] void parse_error(const YAML::ParserException& e) const {
    if (e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR) refuse_anchor(e.mark);  // an alias, before any anchor
    if (e.mark.is_null()) throw Error(name_, 0, 0, "", "invalid YAML: " + e.msg);
    std::string reason = "invalid YAML: " + e.msg;
    // yaml-cpp names what it missed, not where it began: say which collection is still open.
    if (!open_.empty() && e.msg.find("flow") != std::string::npos) {
      const detail::Node& node = (*nodes_)[open_.back().node];
      reason += " (the " + std::string(node.kind == detail::Node::Kind::kMapping ? "mapping" : "list") +
                " opened at line " + std::to_string(node.line) + ", column " + std::to_string(node.column) +
                " is not closed)";
    }
    fail(e.mark, reason + excerpt(e.mark));
  }

  // The offending line and a caret under the column, for a person to see what the parser saw.
  std::string excerpt(const YAML::Mark& mark) const {
    constexpr std::size_t kMaxShown = 120;
    const std::string_view line = lines_.line_text(mark.line);
    if (line.empty()) return "";
    std::size_t characters = 0;
    std::size_t cut = 0;
    while (cut < line.size() && characters < kMaxShown) {
      cut += std::max<std::size_t>(1, utf8_length(line, cut));
      ++characters;
    }
    const std::string shown = std::string(line.substr(0, cut)) + (cut < line.size() ? "…" : "");
    std::string caret;
    const int column = lines_.column(mark.line, mark.column);
    std::size_t byte = 0;
    for (int c = 1; c < column && byte < line.size(); ++c) {
      caret += line[byte] == '\t' ? '\t' : ' ';
      byte += std::max<std::size_t>(1, utf8_length(line, byte));
    }
    return "\n    " + shown + "\n    " + caret + "^";
  }

  // yaml-cpp drops a directive ('%' at the start of a line) that follows the document, where
  // YAML would need a second document after it: that is text of ours lost, so it is refused.
  // Directives come before all other text of a document, so the last line that starts with '%'
  // is such a directive, unless it is still a line of the document's last scalar.
  void refuse_trailing_directive() const {
    const std::size_t last_line = nodes_->empty() ? 0 : static_cast<std::size_t>(nodes_->back().line);
    for (std::size_t line = lines_.starts.size(); line-- > last_line;) {
      const std::string_view text = lines_.line_text(static_cast<int>(line));
      if (text.empty() || text.front() != '%') continue;
      if (last_scalar_ != kNone) {
        const std::string_view value = document_->scalar((*nodes_)[last_scalar_]);
        // Its first word, since a quoted scalar's closing quote is not part of its value.
        const std::string_view word = text.substr(0, text.find_first_of(" \t\"'"));
        if (value.find(word) != std::string_view::npos) return;
      }
      YAML::Mark mark;
      mark.line = static_cast<int>(line);
      fail(mark, "a directive ('%' at the start of a line) after the document; a file holds one YAML "
                 "document (indent the line or quote its text if it continues a value)");
    }
  }

  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  const std::string& text_;
  const std::string& name_;
  const Lines& lines_;
  struct Open {
    std::uint32_t node;
    std::size_t pending;  // where its items start in pending_
  };
  detail::Document* document_ = nullptr;
  std::vector<detail::Node>* nodes_ = nullptr;
  std::vector<Open> open_;               // the collections not yet ended, outermost first
  std::vector<std::uint32_t> pending_;   // the items of the open collections, in order
  std::size_t last_scalar_ = kNone;
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
bool Value::is_map() const { return document_->nodes[node_].kind == detail::Node::Kind::kMapping; }

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
  const Lines lines = check_characters(text, name);
  return Value(Builder(text, name, lines).build(), 0, "");
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
