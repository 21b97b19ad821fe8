// The strict YAML reader (sdk/src/yaml.cc) against yaml-cpp's own parser. Whatever the reader
// accepts, yaml-cpp must parse with no anchor, alias or tag and no deeper than the limit: the
// reader's scan before yaml-cpp must never miss what it exists to refuse. Refusals (yaml::Error)
// are the normal outcome for most inputs.
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "fuzz_support.h"
#include "section/sdk/yaml.h"

namespace {

using section::fuzz::bug;

// Records what the first document holds, as yaml-cpp's parser reports it.
class Probe : public YAML::EventHandler {
 public:
  int max_depth = 0;
  bool anchor_or_alias = false;
  bool tag = false;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t anchor) override { node(anchor, "?"); }
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override { anchor_or_alias = true; }
  void OnScalar(const YAML::Mark&, const std::string& tag_name, YAML::anchor_t anchor, const std::string&) override {
    node(anchor, tag_name);
  }
  void OnSequenceStart(const YAML::Mark&, const std::string& tag_name, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(anchor, tag_name);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark&, const std::string& tag_name, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(anchor, tag_name);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void node(YAML::anchor_t anchor, const std::string& tag_name) {
    anchor_or_alias = anchor_or_alias || anchor != YAML::NullAnchor;
    // "?" and "!" are what yaml-cpp gives a node written without a tag.
    tag = tag || (tag_name != "?" && tag_name != "!");
  }
  void open(YAML::anchor_t anchor, const std::string& tag_name) {
    node(anchor, tag_name);
    max_depth = std::max(max_depth, ++depth_);
  }
  int depth_ = 0;
};

// Every value of the tree through the reader's own interface, as the readers of our files do.
void walk(const section::yaml::Value& value, int depth) {
  if (depth > section::yaml::kMaxNesting) bug("the reader returned a tree deeper than the limit");
  if (value.is_null()) return;
  try {
    for (const auto& [key, child] : value.open_map().entries()) walk(child, depth + 1);
    return;
  } catch (const section::yaml::Error&) {
  }
  try {
    for (const auto& child : value.list()) walk(child, depth + 1);
    return;
  } catch (const section::yaml::Error&) {
  }
  try {
    (void)value.text();
    (void)value.integer(-1000, 1000);
  } catch (const section::yaml::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = section::fuzz::as_text(data, size);
  try {
    walk(section::yaml::load_string(text, "fuzz.yaml"), 0);
  } catch (const section::yaml::Error& e) {
    if (e.reason().find("yaml-cpp's limit") != std::string::npos) bug("the scan let yaml-cpp reach its own depth limit");
    return 0;
  }
  Probe probe;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    parser.HandleNextDocument(probe);
  } catch (const YAML::Exception& e) {
    bug(std::string("the reader accepted what yaml-cpp's parser refuses: ") + e.what());
  }
  if (probe.anchor_or_alias) bug("the reader accepted an anchor or alias");
  if (probe.tag) bug("the reader accepted a tag");
  if (probe.max_depth > section::yaml::kMaxNesting) {
    bug("the reader accepted " + std::to_string(probe.max_depth) + " levels of nesting");
  }
  return 0;
}
