#include "section_data.h"

#include <algorithm>

#include "fuzz_support.h"
#include "section/sdk/sdk.h"

namespace section::fuzz {

const config::SectionFile& section_file() {
  static const config::SectionFile file = [] {
    auto loaded = config::load_section_file(source_dir() / "configs/section-29f.section.yaml");
    if (!loaded.ok()) bug("the real section file does not load: " + std::string(loaded.status().message()));
    return std::move(loaded).value();
  }();
  return file;
}

const std::vector<section::v1::Component>& components() {
  static const std::vector<section::v1::Component> all = [] {
    std::vector<section::v1::Component> read;
    for (const char* id : {"edm", "finance", "hr", "support", "ict"}) {
      read.push_back(sdk::read_component_file(source_dir() / "plugins" / id / "component.yaml"));
    }
    return read;
  }();
  return all;
}

aggregate::SectionView view_of(std::vector<section::v1::Component> serving) {
  aggregate::SectionInput input;
  input.section = &section_file();
  input.version = 1;
  std::vector<std::string> ids;
  for (const auto& component : components()) ids.push_back(component.id());
  for (const auto& component : serving) {
    if (std::find(ids.begin(), ids.end(), component.id()) == ids.end()) ids.push_back(component.id());
  }
  for (const auto& id : ids) {
    section::v1::ComponentStatus status;
    status.set_id(id);
    const bool served = std::any_of(serving.begin(), serving.end(), [&](const auto& c) { return c.id() == id; });
    status.set_state(served ? section::v1::SERVING : section::v1::DISABLED);
    if (!served) status.set_reason("enabled: false in the configuration");
    input.statuses.push_back(status);
  }
  input.components = std::move(serving);
  return aggregate::build_view(std::move(input));
}

}  // namespace section::fuzz
