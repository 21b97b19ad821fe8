#include "host/registry/versions.h"

#include "host/core/clock.h"
#include "host/core/log.h"

namespace section::registry {

query::SharePtr Versions::share_of(const query::StoredPtr& stored, const section::v1::Component* parsed) {
  if (query::SharePtr kept = stored->share_for_section(section_)) return kept;
  if (auto found = built_.find(stored.get()); found != built_.end()) return found->second.share;
  query::SharePtr share = parsed != nullptr ? query::build_share(*section_, *parsed) : query::build_share(*section_, stored->parse());
  built_.emplace(stored.get(), query::SharedComponent{stored, share});
  return share;
}

const section::v1::Component& Versions::parsed(const query::StoredPtr& stored) {
  auto& [kept, component] = parsed_[stored->header.id()];
  if (kept != stored) {
    component = stored->parse();
    kept = stored;
  }
  return component;
}

std::vector<query::SharedComponent> Versions::shared_components(const std::vector<query::StoredPtr>& served,
                                                                std::vector<std::string>* report_notes) {
  const Overlay::Reported reported_in_order = overlay_.reported ? overlay_.reported() : Overlay::Reported();
  const std::map<std::string, std::shared_ptr<const void>> reported(reported_in_order.begin(), reported_in_order.end());
  std::vector<query::SharedComponent> shared;
  std::map<std::string, Overlaid> overlaid;
  std::vector<const query::StoredPtr*> with_reports;
  for (const auto& stored : served) {
    if (reported.count(stored->header.id()) > 0) {
      with_reports.push_back(&stored);
    } else {
      shared.push_back(query::SharedComponent{stored, share_of(stored, nullptr)});
    }
  }
  for (const query::StoredPtr* stored : with_reports) {
    const std::string& id = (*stored)->header.id();
    const std::shared_ptr<const void>& figures = reported.at(id);
    Overlaid& now = overlaid[id];
    if (auto last = overlaid_.find(id); last != overlaid_.end() && last->second.published == *stored && last->second.figures == figures) {
      now = std::move(last->second);  // neither the component nor its figures changed
      now.component.reset();
    } else {
      now.published = *stored;
      now.figures = figures;
      section::v1::Component component = parsed(*stored);  // a copy: cheaper than a parse, which checks every string
      if (overlay_.apply && overlay_.apply(id, &component, &now.unapplied)) {
        // Changed by reported figures: served in a serialization of its own, with a share of its own.
        now.served = query::SharedComponent{query::StoredComponent::of(component), query::build_share(*section_, component)};
      } else {
        now.served = query::SharedComponent{*stored, share_of(*stored, &component)};
      }
      now.component = std::move(component);
    }
    shared.push_back(now.served);
  }
  // The notes in the overlay's order; those of a component not served from here.
  for (const auto& [id, figures] : reported_in_order) {
    if (auto found = overlaid.find(id); found != overlaid.end()) {
      report_notes->insert(report_notes->end(), found->second.unapplied.begin(), found->second.unapplied.end());
    } else if (overlay_.apply) {
      overlay_.apply(id, nullptr, report_notes);
    }
  }
  for (const auto& note : *report_notes) log::warning(note);
  overlaid_ = std::move(overlaid);
  // Only the components with reported figures stay parsed.
  for (auto it = parsed_.begin(); it != parsed_.end();) {
    const auto kept = overlaid_.find(it->first);
    it = kept != overlaid_.end() && kept->second.published == it->second.first ? std::next(it) : parsed_.erase(it);
  }
  return shared;
}

ViewPtr Versions::publish(const std::string& reason, const std::shared_ptr<const config::SectionFile>& section, const Slots& slots) {
  const bool same_section = section == section_;
  if (!same_section) {
    section_ = section;
    built_.clear();  // the shares hold the old section file's sources and notes
    overlaid_.clear();
  }
  query::SharedInput input;
  input.section = section_.get();
  std::vector<query::StoredPtr> served;
  for (const auto& slot : slots) {
    input.statuses.push_back(slot->status);
    if (slot->served()) served.push_back(slot->component);
  }
  input.components = shared_components(served, &input.report_notes);
  // Only the shares that this version serves are kept for the next.
  std::map<const query::StoredComponent*, query::SharedComponent> still_served;
  for (const auto& component : input.components) {
    if (auto found = built_.find(component.stored.get()); found != built_.end()) still_served.insert(*found);
  }
  built_ = std::move(still_served);
  input.published_at = now_timestamp();
  input.reason = reason;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    input.version = ++number_;
    if (current_ && same_section) input.previous = current_->section_memo;  // its tables are of that section file
  }
  const ViewPtr view = std::make_shared<const query::PublishedView>(query::build_shared_view(std::move(input)));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    current_ = view;
  }
  if (announce_) log::info("published version " + std::to_string(view->version) + " (" + reason + ")");
  listeners_.call(view);
  return view;
}

std::optional<section::v1::Component> Versions::take_overlaid(const query::StoredPtr& stored, const void* figures) {
  const auto found = overlaid_.find(stored->header.id());
  if (found == overlaid_.end() || found->second.published != stored || found->second.figures.get() != figures) return std::nullopt;
  std::optional<section::v1::Component> taken = std::move(found->second.component);
  found->second.component.reset();
  return taken;
}

ViewPtr Versions::current() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

}  // namespace section::registry
