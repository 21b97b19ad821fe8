#include "host/registry/versions.h"

#include "host/aggregate/section_view.h"
#include "host/core/clock.h"
#include "host/core/log.h"

namespace section::registry {

ViewPtr Versions::publish(const std::string& reason, const config::SectionFile& section, const Slots& slots) {
  aggregate::SectionInput input;
  input.section = &section;
  // The components as stored, to be shared by the new version where nothing changed them.
  std::map<std::string, query::StoredPtr> unchanged;
  for (const auto& slot : slots) {
    input.statuses.push_back(slot->status);
    if (!slot->served()) continue;
    // On this thread, not spread over two: messages freed across glibc's arenas stay resident
    // (docs/performance.md, "What limits the targets, and what was tried").
    input.components.push_back(slot->component->parse());
    unchanged.emplace(slot->component->header.id(), slot->component);
  }
  if (overlay_) {
    std::vector<std::string> unapplied;
    std::set<std::string> changed;
    overlay_(input.components, &unapplied, &changed);
    for (const auto& id : changed) unchanged.erase(id);
    for (const auto& note : unapplied) log::warning(note);
    input.report_notes = std::move(unapplied);
  }
  input.published_at = now_timestamp();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    input.version = ++number_;
  }
  const auto published_at = input.published_at;
  aggregate::SectionView built = aggregate::build_view(std::move(input));
  built.reason = reason;
  built.published_at = published_at;
  const ViewPtr view = std::make_shared<const query::PublishedView>(query::serialize_view(std::move(built), unchanged));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = view;
  }
  if (announce_) log::info("published version " + std::to_string(view->version) + " (" + reason + ")");
  listeners_.call(view);
  return view;
}

ViewPtr Versions::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

}  // namespace section::registry
