#include "section/sdk/yaml.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <yaml-cpp/depthguard.h>

namespace section::yaml {
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

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Scalar: return quoted(node.Scalar());
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

// ---------------------------------------------------------------------------------------------
// Checks of the text before yaml-cpp parses it.

// yaml-cpp reads UTF-16 and UTF-32 too, and treats byte 0x04 as the end of the input; the scan
// below reads UTF-8 bytes. A lone carriage return breaks a line for yaml-cpp's scanner but not
// for its column count, so it is refused rather than imitated.
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
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
      char code[8];
      std::snprintf(code, sizeof code, "0x%02X", c);
      throw Error(name, line, column, "", std::string("control character ") + code + " (a YAML file is UTF-8 text)");
    }
    ++column;
  }
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_one_of(char c, const char* set) { return c != '\0' && std::strchr(set, c) != nullptr; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// The scan follows yaml-cpp 0.7's scanner (scanner.cpp, scantoken.cpp, scanscalar.cpp,
// simplekey.cpp) token by token, because where a token starts depends on the flow level, the
// indentation and the pending "simple keys" exactly as there: a '*' that starts a token is an
// alias, one inside a plain scalar is text, and a '[' inside a block scalar is text. It builds
// nothing and only moves forward, so it takes linear time; its stacks are bounded by the
// nesting limit. Where yaml-cpp's scanner throws, the scan stops and leaves the error to it.
// tests/fuzz/yaml_fuzz.cc checks the scan against yaml-cpp's parser.
//
// The depth it counts is what yaml-cpp's parser recurses on: each block collection (a valid
// indentation level), each flow collection, and each single-pair map in a flow collection
// ("[a: b]", "[: x]", "{a: : b}"); a key nests in the mapping that its ':' starts.
//
// It also refuses a second document, which YAML::Load drops without a word (and which it never
// reads, syntax errors included). Not only "---" starts one: so does a line indented less than
// the first line, or a key after a block sequence at the same column. A document's root is one
// node: a block collection, or a scalar or flow collection that ':' does not make a key.
// (YAML::LoadAll would count documents, but loops forever on "- a\n,".)
class StructureScan {
 public:
  StructureScan(const std::string& text, const std::string& name) : text_(text), name_(name) {}

  void run() {
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;  // yaml-cpp skips a UTF-8 byte order mark
    indents_.push_back({-1, Block::kNone, Status::kValid, 0});
    while (true) {
      skip_to_next_token();
      pop_indents_to_here();
      if (at_end(pos_)) return;
      const std::size_t start = pos_;
      if (!next_token() || pos_ == start) {
        // yaml-cpp's scanner throws here, but only if YAML::Load reads this far.
        if (at_top() && roots_ > 0) fail_here("text after the end of the document: a file holds one YAML document");
        return;
      }
    }
  }

 private:
  enum class Block { kNone, kSeq, kMap };
  enum class Status { kValid, kInvalid, kUnknown };
  struct Indent {
    int column;
    Block type;
    Status status;
    std::uint64_t serial;  // tells a popped level from a later one in the same slot
  };
  struct SimpleKey {
    std::size_t pos;
    int line;
    int column;
    std::size_t flow_level;
    std::size_t indent;  // its block mapping's level in indents_, or npos
    std::uint64_t serial;
    int deepest;  // the deepest level reached since it started: a key nests in what it opens
  };
  // Within a flow collection: what the last token was, to tell a single-pair map.
  enum class Expect { kEntry, kNodeAfterIndicator, kOther };
  struct Flow {
    bool map;
    int pairs;  // single-pair maps open at this level
    Expect expect;
  };
  enum class End { kEndOfInput, kSingleQuote, kDoubleQuote, kPlainBlock, kPlainFlow };
  enum class OnDocument { kNone, kBreak, kFail };
  struct Scalar {
    End end;
    bool eat_end = false;
    char escape = '\0';
    int indent = 0;
    bool detect_indent = false;
    bool eat_leading_blanks = true;
    bool tab_in_indentation_fails = false;
    OnDocument on_document = OnDocument::kNone;
    bool leading_spaces = false;  // out: it ended at a less indented line
  };
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // --- input --------------------------------------------------------------------------------
  bool at_end(std::size_t i) const { return i >= text_.size(); }
  char at(std::size_t i) const { return i < text_.size() ? text_[i] : '\0'; }
  bool is_break(std::size_t i) const { return at(i) == '\n' || at(i) == '\r'; }
  std::size_t break_length(std::size_t i) const { return at(i) == '\r' && at(i + 1) == '\n' ? 2 : 1; }
  bool blank_or_break(std::size_t i) const { return is_blank(at(i)) || is_break(i); }
  bool blank_break_or_end(std::size_t i) const { return at_end(i) || blank_or_break(i); }
  // A blank or a line break followed by '#': where a plain scalar ends for a comment.
  bool comment_after(std::size_t i) const {
    if (is_blank(at(i))) return at(i + 1) == '#';
    return is_break(i) && at(i + break_length(i)) == '#';
  }
  bool document_marker() const {
    const char c = at(pos_);
    return column_ == 0 && (c == '-' || c == '.') && at(pos_ + 1) == c && at(pos_ + 2) == c &&
           blank_break_or_end(pos_ + 3);
  }
  bool block_entry_here() const { return at(pos_) == '-' && blank_break_or_end(pos_ + 1); }

  void eat(std::size_t n = 1) {
    for (; n > 0 && !at_end(pos_); --n, ++pos_) {
      if (text_[pos_] == '\n') {
        ++line_;
        column_ = 0;
      } else {
        ++column_;
      }
    }
  }

  [[noreturn]] void fail_here(const std::string& reason) const { fail_at(line_, column_, reason); }
  [[noreturn]] void fail_at(int line, int column, const std::string& reason) const {
    throw Error(name_, line + 1, column + 1, "", reason);
  }

  // --- documents ----------------------------------------------------------------------------
  bool at_top() const { return block_depth_ == 0 && flows_.empty(); }
  void count_root(int line, int column) {
    if (++roots_ > 1) {
      fail_at(line, column,
              "a second YAML document starts here (after '---', or at a line indented less than the first one); "
              "a file holds one");
    }
  }
  // A scalar or flow collection that starts at the top is a root, unless ':' makes it the first
  // key of a block mapping, which is then the root (settle()).
  void node_starts() {
    if (!at_top()) return;
    count_root(line_, column_);
    pending_key_ = true;
  }

  // --- nesting ------------------------------------------------------------------------------
  // Where the level that goes too deep starts: here, or at the key of a block mapping.
  int depth() const { return block_depth_ + flow_depth_; }
  void check_depth() { check_depth(line_, column_); }
  void check_depth(int line, int column) {
    if (!keys_.empty()) keys_.back().deepest = std::max(keys_.back().deepest, depth());
    if (depth() > kMaxNesting) too_deep(line, column);
  }
  [[noreturn]] void too_deep(int line, int column) const {
    fail_at(line, column, "the document nests deeper than " + std::to_string(kMaxNesting) + " levels");
  }
  // A key turns out to be one only at its ':', and the mapping it starts then holds all it
  // opened: "[[…]]: x" nests the mapping around the brackets.
  void wrap_key(const SimpleKey& key) {
    if (key.deepest + 1 > kMaxNesting) too_deep(key.line, key.column);
    inherit(key.deepest + 1);
  }
  void inherit(int deepest) {
    if (!keys_.empty()) keys_.back().deepest = std::max(keys_.back().deepest, deepest);
  }
  bool in_flow() const { return !flows_.empty(); }
  int top_indent() const { return indents_.back().column; }

  std::size_t push_indent(int column, Block type, Status status) {
    if (in_flow()) return npos;
    const Indent& last = indents_.back();
    if (column < last.column) return npos;
    if (column == last.column && !(type == Block::kSeq && last.type == Block::kMap)) return npos;
    if (status == Status::kValid && block_depth_ == 0) count_root(line_, column);
    indents_.push_back({column, type, status, ++serial_});
    if (status == Status::kValid) {
      ++block_depth_;
      check_depth();
    }
    return indents_.size() - 1;
  }
  void pop_indent() {
    const Indent top = indents_.back();
    indents_.pop_back();
    if (top.status == Status::kValid) {
      --block_depth_;
    } else {
      invalidate_simple_key();
    }
  }
  void pop_indents_to_here() {
    if (in_flow()) return;
    while (indents_.size() > 1) {
      const Indent& top = indents_.back();
      if (top.column < column_) break;
      if (top.column == column_ && !(top.type == Block::kSeq && !block_entry_here())) break;
      pop_indent();
    }
    while (indents_.size() > 1 && indents_.back().status == Status::kInvalid) pop_indent();
  }
  void pop_all_indents() {
    if (in_flow()) return;
    while (indents_.size() > 1) pop_indent();
  }
  void add_pair(Flow& flow) {
    ++flow.pairs;
    ++flow_depth_;
    check_depth();
  }

  // --- simple keys: a scalar or collection that turns out to be a key when ':' follows ------
  // Settles a key's block mapping (if it has one) as valid or not; true when the mapping is
  // new, and so holds the key.
  bool settle(const SimpleKey& key, Status status) {
    if (key.indent == npos || key.indent >= indents_.size() || indents_[key.indent].serial != key.serial) return false;
    Indent& indent = indents_[key.indent];
    if (indent.status == Status::kValid) return false;
    indent.status = status;
    if (status != Status::kValid) return false;
    if (block_depth_ == 0 && !pending_key_) count_root(key.line, key.column);
    pending_key_ = false;
    ++block_depth_;
    check_depth(key.line, key.column);
    return true;
  }
  void insert_potential_simple_key() {
    if (!simple_key_allowed_) return;
    if (!keys_.empty() && keys_.back().flow_level == flows_.size()) return;
    SimpleKey key{pos_, line_, column_, flows_.size(), npos, 0, depth()};
    if (!in_flow()) {
      key.indent = push_indent(column_, Block::kMap, Status::kUnknown);
      if (key.indent != npos) key.serial = indents_[key.indent].serial;
    }
    keys_.push_back(key);
  }
  void invalidate_simple_key() {
    if (keys_.empty() || keys_.back().flow_level != flows_.size()) return;
    const SimpleKey key = keys_.back();
    keys_.pop_back();
    settle(key, Status::kInvalid);
    inherit(key.deepest);
  }
  bool verify_simple_key() {
    if (keys_.empty() || keys_.back().flow_level != flows_.size()) return false;
    const SimpleKey key = keys_.back();
    keys_.pop_back();
    const bool valid = line_ == key.line && pos_ - key.pos <= 1024;
    if (valid) verified_ = key;
    if (settle(key, valid ? Status::kValid : Status::kInvalid)) {
      wrap_key(key);
    } else {
      inherit(key.deepest);
    }
    return valid;
  }
  void pop_all_simple_keys() {
    for (const SimpleKey& key : keys_) {
      if (key.flow_level == 0) settle(key, Status::kInvalid);
    }
    keys_.clear();
  }

  // --- tokens -------------------------------------------------------------------------------
  void skip_to_next_token() {
    while (true) {
      while (is_blank(at(pos_))) {
        if (!in_flow() && at(pos_) == '\t') simple_key_allowed_ = false;
        eat();
      }
      if (at(pos_) == '#') {
        while (!at_end(pos_) && !is_break(pos_)) eat();
      }
      if (!is_break(pos_)) return;
      eat(break_length(pos_));
      invalidate_simple_key();
      if (!in_flow()) simple_key_allowed_ = true;
    }
  }

  // False where yaml-cpp stops with a syntax error.
  bool next_token() {
    const char c = at(pos_);
    if (column_ == 0 && c == '%') return directive();
    if (document_marker()) return document_boundary();
    if (c == '[' || c == '{') return flow_start(c == '{');
    if (c == ']' || c == '}') return flow_end(c == '}');
    if (c == ',') return flow_entry();
    if (block_entry_here()) return block_entry();
    if (c == '?' && blank_or_break(pos_ + 1)) return explicit_key();
    if (value_indicator()) return value();
    if (c == '*' || c == '&') {
      fail_here("anchors (&) and aliases (*) are not supported: write each value out in full "
                "(and quote a value that starts with '&' or '*')");
    }
    if (c == '!') {
      fail_here("tags (!) are not supported: every value is read as the text written "
                "(quote a value that starts with '!')");
    }
    if (!in_flow() && (c == '|' || c == '>')) return block_scalar();
    if (c == '\'' || c == '"') return quoted_scalar();
    if (plain_scalar_start()) return plain_scalar();
    return false;
  }

  bool directive() {
    // yaml-cpp would end the document here and drop the line.
    if (roots_ > 0) fail_here("a '%' directive after the document's content: quote a value that starts with '%'");
    pop_all_indents();
    pop_all_simple_keys();
    simple_key_allowed_ = false;
    can_be_json_ = false;
    while (!at_end(pos_) && !is_break(pos_)) eat();  // the name, its parameters and any comment
    return true;
  }
  bool document_boundary() {
    pop_all_indents();
    pop_all_simple_keys();
    simple_key_allowed_ = false;
    can_be_json_ = false;
    eat(3);
    return true;
  }
  bool flow_start(bool map) {
    node_starts();
    insert_potential_simple_key();
    simple_key_allowed_ = true;
    can_be_json_ = false;
    if (in_flow()) flows_.back().expect = Expect::kOther;
    flows_.push_back({map, 0, Expect::kEntry});
    ++flow_depth_;
    check_depth();
    eat();
    return true;
  }
  bool flow_end(bool map) {
    if (!in_flow()) return false;
    if (flows_.back().map) {
      verify_simple_key();
    } else {
      invalidate_simple_key();
    }
    simple_key_allowed_ = false;
    can_be_json_ = true;
    eat();
    if (flows_.back().map != map) return false;
    flow_depth_ -= 1 + flows_.back().pairs;
    flows_.pop_back();
    return true;
  }
  bool flow_entry() {
    // yaml-cpp's parser stops at a ',' after the root and drops the rest of the file.
    if (!in_flow()) fail_here("',' outside [...] or {...}: quote a value that starts with ','");
    Flow& flow = flows_.back();
    if (flow.map) {
      verify_simple_key();
    } else {
      invalidate_simple_key();
    }
    flow_depth_ -= flow.pairs;
    flow.pairs = 0;
    flow.expect = Expect::kEntry;
    simple_key_allowed_ = true;
    can_be_json_ = false;
    eat();
    return true;
  }
  bool block_entry() {
    if (in_flow() || !simple_key_allowed_) return false;
    push_indent(column_, Block::kSeq, Status::kValid);
    simple_key_allowed_ = true;
    can_be_json_ = false;
    eat();
    return true;
  }
  bool explicit_key() {
    if (!in_flow()) {
      if (!simple_key_allowed_) return false;
      push_indent(column_, Block::kMap, Status::kValid);
    } else {
      Flow& flow = flows_.back();
      if (!flow.map && flow.expect == Expect::kEntry) add_pair(flow);
      flow.expect = Expect::kNodeAfterIndicator;
    }
    simple_key_allowed_ = !in_flow();
    eat();
    return true;
  }
  bool value_indicator() const {
    if (at(pos_) != ':') return false;
    if (!in_flow()) return blank_break_or_end(pos_ + 1);
    return can_be_json_ || blank_or_break(pos_ + 1) || is_one_of(at(pos_ + 1), ",]}");
  }
  bool value() {
    const bool simple = verify_simple_key();
    can_be_json_ = false;
    if (simple) {
      simple_key_allowed_ = false;
    } else {
      if (!in_flow()) {
        if (!simple_key_allowed_) return false;
        push_indent(column_, Block::kMap, Status::kValid);
      }
      simple_key_allowed_ = !in_flow();
    }
    if (in_flow()) {
      Flow& flow = flows_.back();
      // "[a: b]" is a map inside the sequence; so is a value with no key where a node belongs.
      if (simple && !flow.map) {
        add_pair(flow);
        wrap_key(verified_);
      } else if (!simple && (flow.expect == Expect::kNodeAfterIndicator || (!flow.map && flow.expect == Expect::kEntry))) {
        add_pair(flow);
      }
      flow.expect = Expect::kNodeAfterIndicator;
    }
    eat();
    return true;
  }
  void scalar_done() {
    if (in_flow()) flows_.back().expect = Expect::kOther;
  }
  bool block_scalar() {
    node_starts();
    eat();  // '|' or '>'
    const auto is_chomp = [](char c) { return c == '+' || c == '-'; };
    const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t header = 0;
    if ((is_chomp(at(pos_)) && is_digit(at(pos_ + 1))) || (is_digit(at(pos_)) && is_chomp(at(pos_ + 1)))) {
      header = 2;
    } else if (is_chomp(at(pos_)) || is_digit(at(pos_))) {
      header = 1;
    }
    int explicit_indent = 0;
    for (; header > 0; --header) {
      if (is_digit(at(pos_))) {
        if (at(pos_) == '0') return false;
        explicit_indent = at(pos_) - '0';
      }
      eat();
    }
    while (is_blank(at(pos_))) eat();
    if (at(pos_) == '#') {
      while (!at_end(pos_) && !is_break(pos_)) eat();
    }
    if (!at_end(pos_) && !is_break(pos_)) return false;
    Scalar scalar{End::kEndOfInput};
    scalar.indent = explicit_indent > 0 ? explicit_indent : 1;
    scalar.detect_indent = explicit_indent == 0;
    if (top_indent() >= 0) scalar.indent += top_indent();
    scalar.eat_leading_blanks = false;
    scalar.tab_in_indentation_fails = true;
    if (!scan_scalar(scalar)) return false;
    simple_key_allowed_ = true;
    can_be_json_ = false;
    return true;
  }
  bool quoted_scalar() {
    const bool single = at(pos_) == '\'';
    Scalar scalar{single ? End::kSingleQuote : End::kDoubleQuote};
    scalar.eat_end = true;
    scalar.escape = single ? '\'' : '\\';
    scalar.on_document = OnDocument::kFail;
    node_starts();
    insert_potential_simple_key();
    eat();
    if (!scan_scalar(scalar)) return false;
    simple_key_allowed_ = false;
    can_be_json_ = true;
    scalar_done();
    return true;
  }
  bool plain_scalar_start() const {
    const char c = at(pos_);
    if (is_one_of(c, "%@`#")) return false;
    if (in_flow()) return !is_one_of(c, "|>?") && !(c == ':' && at_end(pos_ + 1));
    return !(c == '?' && at_end(pos_ + 1));
  }
  bool plain_scalar() {
    Scalar scalar{in_flow() ? End::kPlainFlow : End::kPlainBlock};
    scalar.indent = in_flow() ? 0 : top_indent() + 1;
    scalar.tab_in_indentation_fails = true;
    scalar.on_document = OnDocument::kBreak;
    node_starts();
    insert_potential_simple_key();
    if (!scan_scalar(scalar)) return false;
    simple_key_allowed_ = scalar.leading_spaces;
    can_be_json_ = false;
    scalar_done();
    return true;
  }

  // How many bytes end the scalar at i, or -1.
  int end_length(End end, std::size_t i) const {
    const char c = at(i);
    switch (end) {
      case End::kEndOfInput: return at_end(i) ? 0 : -1;
      case End::kSingleQuote: return c == '\'' && at(i + 1) != '\'' ? 1 : -1;
      case End::kDoubleQuote: return c == '"' ? 1 : -1;
      case End::kPlainBlock:
        return (c == ':' && blank_break_or_end(i + 1)) || comment_after(i) ? 1 : -1;
      case End::kPlainFlow:
        return (c == ':' && (blank_break_or_end(i + 1) || is_one_of(at(i + 1), ",]}"))) ||
                       is_one_of(c, ",?[]{}") || comment_after(i)
                   ? 1
                   : -1;
    }
    return -1;
  }
  bool ends(const Scalar& scalar) const { return end_length(scalar.end, pos_) >= 0; }

  // An escape in a quoted scalar: '' in single quotes; \c, \xHH, \uHHHH, \UHHHHHHHH in double.
  bool escape(char escape_char) {
    eat();
    const char c = at(pos_);
    eat();
    if (escape_char == '\'') return c == '\'';
    const int digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    if (digits == 0) return is_one_of(c, "0abt\tnvfre \"'\\/N_LP");
    for (int i = 0; i < digits; ++i) {
      if (!is_hex(at(pos_))) return false;
      eat();
    }
    return true;
  }

  // yaml-cpp's ScanScalar, keeping only where the scalar ends.
  bool scan_scalar(Scalar& scalar) {
    bool found_non_empty_line = false;
    while (!at_end(pos_)) {
      // To the end of the line.
      while (!ends(scalar) && !is_break(pos_)) {
        if (at_end(pos_)) break;
        if (document_marker()) {
          if (scalar.on_document == OnDocument::kBreak) break;
          if (scalar.on_document == OnDocument::kFail) return false;
        }
        found_non_empty_line = true;
        if (scalar.escape == '\\' && at(pos_) == '\\' && is_break(pos_ + 1)) {
          eat();
          break;
        }
        if (scalar.escape != '\0' && at(pos_) == scalar.escape) {
          if (!escape(scalar.escape)) return false;
          continue;
        }
        eat();
      }
      if (at_end(pos_)) return !scalar.eat_end;
      if (scalar.on_document == OnDocument::kBreak && document_marker()) break;
      if (const int n = end_length(scalar.end, pos_); n >= 0) {
        if (scalar.eat_end) eat(static_cast<std::size_t>(n));
        break;
      }
      // The line break, then the indentation of the next line.
      eat(break_length(pos_));
      while (at(pos_) == ' ' && (column_ < scalar.indent || (scalar.detect_indent && !found_non_empty_line)) &&
             !ends(scalar)) {
        eat();
      }
      if (scalar.detect_indent && !found_non_empty_line) scalar.indent = std::max(scalar.indent, column_);
      while (is_blank(at(pos_))) {
        if (at(pos_) == '\t' && column_ < scalar.indent && scalar.tab_in_indentation_fails) return false;
        if (!scalar.eat_leading_blanks || ends(scalar)) break;
        eat();
      }
      if (!is_break(pos_) && column_ < scalar.indent) {
        scalar.leading_spaces = true;
        break;
      }
    }
    return true;
  }

  const std::string& text_;
  const std::string& name_;
  std::size_t pos_ = 0;
  int line_ = 0;
  int column_ = 0;
  bool simple_key_allowed_ = true;
  bool can_be_json_ = false;  // after a quoted scalar or a flow end, ':' needs no blank in flow
  std::vector<Indent> indents_;
  std::vector<SimpleKey> keys_;
  SimpleKey verified_{};  // the last key ':' made valid
  std::vector<Flow> flows_;
  std::uint64_t serial_ = 0;
  int block_depth_ = 0;  // valid block levels in indents_
  int flow_depth_ = 0;   // flow collections and the single-pair maps in them
  int roots_ = 0;             // root nodes seen: more than one is a second document
  bool pending_key_ = false;  // the root so far is a scalar or flow collection that may be a key
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
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& pair : node_) {
    const YAML::Node key_node = pair.first;
    Value key_value(file_, key_node, path_);
    if (!key_node.IsScalar()) key_value.fail("a key must be a plain word, found " + describe(key_node));
    const std::string key = key_node.Scalar();
    const auto [first, inserted] = index.emplace(key, entries.size());
    if (!inserted) {
      Value(file_, key_node, child_path(path_, key))
          .fail("duplicate key " + quoted(key) + " (first given at line " + std::to_string(keys[first->second].line()) + ")");
    }
    // An empty value has no position of its own; errors about it point at its key.
    entries.emplace_back(key, Value(file_, pair.second, child_path(path_, key), key_node.Mark()));
    keys.emplace_back(file_, key_node, child_path(path_, key));
  }
  return Map(*this, std::move(entries), std::move(keys), std::move(index));
}

Map Value::map(std::initializer_list<const char*> allowed) const {
  Map result = open_map();
  for (std::size_t i = 0; i < result.entries_.size(); ++i) {
    const std::string& key = result.entries_[i].first;
    bool known = false;
    for (const char* word : allowed) known = known || key == word;
    if (!known) result.keys_[i].fail("unknown key " + quoted(key) + " (expected one of: " + join(allowed) + ")");
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

Map::Map(Value self, std::vector<std::pair<std::string, Value>> entries, std::vector<Value> keys,
         std::unordered_map<std::string, std::size_t> index)
    : self_(std::move(self)), entries_(std::move(entries)), keys_(std::move(keys)), index_(std::move(index)) {}

bool Map::has(const std::string& key) const { return index_.count(key) > 0; }

std::optional<Value> Map::optional(const std::string& key) const {
  const auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  return entries_[found->second].second;
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
  StructureScan(text, name).run();
  auto file = std::make_shared<const std::string>(name);
  YAML::Node root;
  const auto line_of = [](const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.line + 1; };
  const auto column_of = [](const YAML::Mark& mark) { return mark.is_null() ? 0 : mark.column + 1; };
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own guard (500 levels) says only "bad file"; the scan above stops far earlier.
    throw Error(name, line_of(e.mark), column_of(e.mark), "", "the document nests too deeply (yaml-cpp's limit)");
  } catch (const YAML::Exception& e) {
    throw Error(name, line_of(e.mark), column_of(e.mark), "", "invalid YAML: " + e.msg);
  }
  if (!root || root.IsNull()) throw Error(name, 0, 0, "", "the document is empty");
  return Value(file, root, "");
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
