// The SDK's parse of the components a plugin checks (sdk/src/incremental_parse.h): only the
// fields whose bytes changed since the last check are parsed again, and the message must be the
// one a fresh parse of the same bytes gives, whatever changed.
#include <catch2/catch.hpp>

#include <random>

#include <google/protobuf/util/message_differencer.h>

#include "incremental_parse.h"
#include "section_fixture.h"

using namespace section;
using google::protobuf::util::MessageDifferencer;
using sdk::detail::IncrementalParse;

namespace {

// `parsed` is what a fresh parse of `bytes` makes.
void check_fresh(const v1::Component* parsed, const std::string& bytes) {
  REQUIRE(parsed != nullptr);
  v1::Component fresh;
  REQUIRE(fresh.ParseFromString(bytes));
  CHECK(MessageDifferencer::Equals(*parsed, fresh));
  CHECK(parsed->SerializeAsString() == fresh.SerializeAsString());
}

// A field written by hand: key and length-delimited value.
std::string field(int number, const std::string& value) {
  std::string out;
  auto varint = [&](std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  };
  varint((static_cast<std::uint64_t>(number) << 3) | 2);
  varint(value.size());
  return out + value;
}

}  // namespace

TEST_CASE("a changed entry is parsed again alone, and the message is a fresh parse's", "[sdk][check]") {
  for (const std::string& id : test::all_components()) {
    INFO(id);
    v1::Component component = test::component(id);
    IncrementalParse parse;
    const std::string first = component.SerializeAsString();
    check_fresh(parse.parse(first), first);
    CHECK(parse.last_was_whole());

    // The same bytes again: nothing parsed.
    check_fresh(parse.parse(first), first);
    CHECK_FALSE(parse.last_was_whole());
    CHECK(parse.last_reparsed() == 0);

    // A deliverable, or for a component without deliverables (edm), a compliance measure.
    if (component.deliverables_size() > 0) {
      component.mutable_deliverables(0)->set_description(component.deliverables(0).description() + " (changed)");
    } else {
      REQUIRE(component.compliance_size() > 0);
      component.mutable_compliance(0)->set_id(component.compliance(0).id() + "-changed");
    }
    const std::string second = component.SerializeAsString();
    check_fresh(parse.parse(second), second);
    CHECK_FALSE(parse.last_was_whole());
    CHECK(parse.last_reparsed() == 1);

    // And back: the entry is the first bytes' again.
    check_fresh(parse.parse(first), first);
    CHECK(parse.last_reparsed() == 1);
  }
}

TEST_CASE("random changes of entries always parse as a fresh parse does", "[sdk][check]") {
  const v1::Component published = test::component("hr");
  v1::Component component = published;
  IncrementalParse parse;
  std::mt19937 random(29);
  for (int round = 0; round < 200; ++round) {
    switch (random() % 6) {
      case 0: component = published; break;
      case 1:
        if (component.results_size() > 0) {
          auto* result = component.mutable_results(static_cast<int>(random() % component.results_size()));
          result->set_title(result->title() + "·");
        }
        break;
      case 2: component.add_deliverables()->set_id("new-" + std::to_string(round)); break;
      case 3: component.set_title(component.title() + "+"); break;  // a scalar: the whole parsed
      case 4:
        if (component.deliverables_size() > 1) component.mutable_deliverables()->SwapElements(0, 1);
        break;
      case 5:
        if (component.deliverables_size() > 0) component.mutable_deliverables()->RemoveLast();
        break;
    }
    const std::string bytes = component.SerializeAsString();
    INFO("round " << round);
    check_fresh(parse.parse(bytes), bytes);
  }
}

TEST_CASE("fields a part parse cannot make alone are parsed whole", "[sdk][check]") {
  const v1::Component component = test::component("finance");
  const std::string bytes = component.SerializeAsString();
  IncrementalParse parse;
  REQUIRE(parse.parse(bytes) != nullptr);

  SECTION("a scalar") {
    v1::Component changed = component;
    changed.set_subprogramme(changed.subprogramme() + 1);
    const std::string next = changed.SerializeAsString();
    check_fresh(parse.parse(next), next);
    CHECK(parse.last_was_whole());
  }
  SECTION("a singular message written twice: the two merge") {
    v1::Text objective;
    objective.set_text("one");
    const std::string once = bytes + field(6, objective.SerializeAsString());
    check_fresh(parse.parse(once), once);
    objective.set_text("two");
    const std::string twice = once + field(6, objective.SerializeAsString());
    check_fresh(parse.parse(twice), twice);
    const std::string other = bytes + field(6, "") + field(6, objective.SerializeAsString());
    check_fresh(parse.parse(other), other);
    CHECK(parse.last_was_whole());
  }
  SECTION("a field this version does not know, kept as an unknown field") {
    const std::string with = bytes + field(900, "a");
    check_fresh(parse.parse(with), with);
    const std::string changed = bytes + field(900, "b");
    check_fresh(parse.parse(changed), changed);
    CHECK(parse.last_was_whole());
  }
  SECTION("the same fields in another order") {
    v1::Component reordered;
    *reordered.mutable_deliverables() = component.deliverables();
    v1::Component rest = component;
    rest.clear_deliverables();
    const std::string next = reordered.SerializeAsString() + rest.SerializeAsString();
    check_fresh(parse.parse(next), next);
    CHECK(parse.last_was_whole());
  }
}

TEST_CASE("bytes that are not a component are refused, and nothing of them is kept", "[sdk][check]") {
  const v1::Component component = test::component("hr");
  const std::string bytes = component.SerializeAsString();
  IncrementalParse parse;
  REQUIRE(parse.parse(bytes) != nullptr);

  // A changed deliverable whose title is not UTF-8: its own parse fails, as the whole one would.
  v1::Component bad = component;
  bad.mutable_deliverables(0)->set_title("\xff\xfe");
  const std::string bad_bytes = bad.SerializeAsString();
  v1::Component fresh;
  REQUIRE_FALSE(fresh.ParseFromString(bad_bytes));
  CHECK(parse.parse(bad_bytes) == nullptr);
  // The half-parsed message is gone: the good bytes are parsed whole again.
  check_fresh(parse.parse(bytes), bytes);
  CHECK(parse.last_was_whole());

  CHECK(parse.parse(bytes.substr(0, bytes.size() - 1)) == nullptr);  // a length past the end
  CHECK(parse.parse(std::string(1, '\0')) == nullptr);                   // field number 0
  check_fresh(parse.parse(""), "");
}

TEST_CASE("what the part parse cannot split is protobuf's to judge, as a fresh parse", "[sdk][check]") {
  IncrementalParse parse;
  // A group (field 1 written as one): protobuf keeps it as an unknown field.
  const std::string group("\x0b\x0c", 2);
  check_fresh(parse.parse(group), group);
  // Not kept for reuse: the next bytes, even without fields, are parsed whole.
  check_fresh(parse.parse(""), "");
  CHECK(parse.last_was_whole());
  const std::string unclosed("\x0b", 1);
  v1::Component fresh;
  CHECK(fresh.ParseFromString(unclosed) == (parse.parse(unclosed) != nullptr));
}

TEST_CASE("a message field written with another wire type is an unknown field, never an entry", "[sdk][check]") {
  v1::Text a;
  a.set_text("a");
  v1::Text b;
  b.set_text("b");
  // strategy (7) written first as a varint, which protobuf keeps as an unknown field, then as
  // an entry: changing the entry must change strategy[0], the only entry.
  const std::string varint("\x38\x01", 2);
  const std::string first = varint + field(7, a.SerializeAsString());
  const std::string second = varint + field(7, b.SerializeAsString());
  IncrementalParse parse;
  check_fresh(parse.parse(first), first);
  REQUIRE(parse.parse(second) != nullptr);
  check_fresh(parse.parse(second), second);
  CHECK(parse.parse(second)->strategy_size() == 1);
  CHECK(parse.parse(second)->strategy(0).text() == "b");
}
