// section-bench-aggregate: how aggregation time grows with the number of components. Builds the
// view (every table, reconciliation, notes) from N components cloned from the four Section 29F
// subprogrammes (realistic sizes: their results, measures, deliverables and resources), in
// process, without gRPC or plugins, then keeps it serialized as the host does (query::serialize_view),
// and prints one JSON object. Also times reading one of those data files (the median of 100
// reads), and publishing the next version when one of the N components changed: the full path
// (every component parsed, every table built and serialized) against the registry's path from
// the components' shares (query::build_shared_view: the changed component's share is built,
// the others' reused).
//
//   section-bench-aggregate --source DIR [--counts 10,100,1000,5000] [--repeats 3]
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_common.h"
#include "host/aggregate/section_view.h"
#include "host/query/published_view.h"
#include "host/query/shared_view.h"
#include "host/config/section_file.h"
#include "section/sdk/sdk.h"

namespace {

std::vector<section::v1::Component> clones(const std::vector<section::v1::Component>& templates, int count) {
  std::vector<section::v1::Component> components;
  components.reserve(count);
  for (int i = 0; i < count; ++i) {
    section::v1::Component component = templates[i % templates.size()];
    component.set_id("g" + std::to_string(i + 1));
    component.set_subprogramme(i + 1);
    component.set_title("Generated component " + std::to_string(i + 1));
    components.push_back(std::move(component));
  }
  return components;
}

using Micros = std::vector<std::uint32_t>;

std::uint32_t micros_since(std::chrono::steady_clock::time_point start) {
  return static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count());
}

std::vector<section::v1::ComponentStatus> serving(const std::vector<section::v1::Component>& components) {
  std::vector<section::v1::ComponentStatus> statuses;
  for (const auto& component : components) {
    section::v1::ComponentStatus& status = statuses.emplace_back();
    status.set_id(component.id());
    status.set_state(section::v1::SERVING);
  }
  return statuses;
}

// The next version after the first component changed, both ways, `repeats` times each: the full
// path as Versions::publish took it before (parse every stored component, build_view,
// serialize_view), and the path from shares (keep the changed one, which builds its share, then
// build_shared_view). Returns the medians in ms.
std::pair<double, double> next_version(const std::shared_ptr<const section::config::SectionFile>& section,
                                       const std::vector<section::v1::Component>& components, int repeats) {
  std::vector<section::query::StoredPtr> stored;
  for (const auto& component : components) {
    stored.push_back(section::query::StoredComponent::keep(component, component.SerializeAsString(), section));
  }
  section::v1::Component changed = components[0];
  changed.set_title(changed.title() + " (changed)");
  const std::string changed_bytes = changed.SerializeAsString();
  Micros full, shared;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    {
      section::aggregate::SectionInput input;
      input.section = section.get();
      input.version = 2;
      input.statuses = serving(components);
      input.components.push_back(changed);
      for (std::size_t i = 1; i < stored.size(); ++i) input.components.push_back(stored[i]->parse());
      const auto view = section::query::serialize_view(section::aggregate::build_view(std::move(input)), {});
    }
    full.push_back(micros_since(start));
    start = std::chrono::steady_clock::now();
    {
      section::query::SharedInput input;
      input.section = section.get();
      input.version = 2;
      input.statuses = serving(components);
      const auto kept = section::query::StoredComponent::keep(changed, changed_bytes, section);
      input.components.push_back({kept, kept->share});
      for (std::size_t i = 1; i < stored.size(); ++i) input.components.push_back({stored[i], stored[i]->share});
      const auto view = section::query::build_shared_view(std::move(input));
    }
    shared.push_back(micros_since(start));
  }
  return {section::bench::percentile(full, 50) / 1000.0, section::bench::percentile(shared, 50) / 1000.0};
}

}  // namespace

int main(int argc, char** argv) {
  const auto flags = section::bench::parse_flags(argc, argv);
  section::bench::pin_to_cpu(std::stoi(section::bench::flag(flags, "pin", "-1")));
  const std::string source = section::bench::flag(flags, "source", ".");
  const int repeats = std::stoi(section::bench::flag(flags, "repeats", "3"));
  std::vector<int> counts;
  std::stringstream list(section::bench::flag(flags, "counts", "10,100,1000,5000"));
  for (std::string item; std::getline(list, item, ',');) counts.push_back(std::stoi(item));

  auto section_file = section::config::load_section_file(source + "/configs/section-29f.section.yaml");
  if (!section_file.ok()) {
    std::fprintf(stderr, "%s\n", std::string(section_file.status().message()).c_str());
    return 1;
  }
  const auto shared_section = std::make_shared<const section::config::SectionFile>(*section_file);
  std::vector<section::v1::Component> templates;
  for (const char* id : {"finance", "hr", "support", "ict"}) {
    templates.push_back(section::sdk::read_component_file(source + "/plugins/" + id + "/component.yaml"));
  }
  // What reading one of those data files costs (YAML and the SDK's reader, no checks): the part
  // of start-up that grows with the components before aggregation.
  std::vector<std::uint32_t> reads;
  for (int r = 0; r < 25; ++r) {
    for (const char* id : {"finance", "hr", "support", "ict"}) {
      const auto start = std::chrono::steady_clock::now();
      (void)section::sdk::read_component_file(source + "/plugins/" + id + "/component.yaml");
      reads.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count()));
    }
  }

  std::printf("{\"read_us_per_component\": %.1f, \"points\": [", section::bench::percentile(reads, 50));
  for (std::size_t c = 0; c < counts.size(); ++c) {
    const std::vector<section::v1::Component> components = clones(templates, counts[c]);
    std::vector<std::uint32_t> micros;
    std::vector<std::uint32_t> publish_micros;
    std::size_t tables = 0;
    for (int r = 0; r < repeats; ++r) {
      section::aggregate::SectionInput input;
      input.section = &*section_file;
      input.version = 1;
      for (const auto& component : components) {
        section::v1::ComponentStatus status;
        status.set_id(component.id());
        status.set_state(section::v1::SERVING);
        input.statuses.push_back(status);
      }
      input.components = components;
      const auto start = std::chrono::steady_clock::now();
      section::aggregate::SectionView view = section::aggregate::build_view(std::move(input));
      const auto built = std::chrono::steady_clock::now();
      micros.push_back(static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(built - start).count()));
      tables = view.tables.size();
      const section::query::PublishedView published = section::query::serialize_view(std::move(view), {});
      publish_micros.push_back(static_cast<std::uint32_t>(
          std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - built).count()));
    }
    const double low = section::bench::percentile(micros, 0) / 1000.0;
    const double high = section::bench::percentile(micros, 100) / 1000.0;
    const double median = section::bench::percentile(micros, 50) / 1000.0;
    const double publish_median = section::bench::percentile(publish_micros, 50) / 1000.0;
    const auto [next_full, next_shared] = next_version(shared_section, components, repeats);
    std::printf("%s{\"components\": %d, \"tables\": %zu, \"median_ms\": %.2f, \"min_ms\": %.2f, \"max_ms\": %.2f, "
                "\"us_per_component\": %.1f, \"publish_median_ms\": %.2f, \"next_version_full_ms\": %.2f, "
                "\"next_version_shared_ms\": %.2f}",
                c == 0 ? "" : ", ", counts[c], tables, median, low, high, median * 1000.0 / counts[c], publish_median, next_full,
                next_shared);
    std::fflush(stdout);
  }
  std::printf("], \"repeats\": %d}\n", repeats);
  return 0;
}
