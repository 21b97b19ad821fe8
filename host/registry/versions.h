// The versions of the section that the registry publishes: each is built from the served slots
// (aggregate::build_view), kept serialized (query::serialize_view) and made current at once for
// readers, who take it without waiting for a writer beyond a pointer copy; then every listener
// is told. Only the registry's thread of changes publishes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "host/config/section_file.h"
#include "host/core/callbacks.h"
#include "host/query/published_view.h"
#include "host/registry/slot.h"

namespace section::registry {

using ViewPtr = std::shared_ptr<const query::PublishedView>;

class Versions {
 public:
  using Listener = std::function<void(const ViewPtr&)>;
  // Reported figures (host/reports) laid over the plugins' components in every version: the
  // overlay sets the reported values, lists those it could not apply in `unapplied` and the ids
  // of the components it changed in `changed` (the others are served as their plugins published
  // them, without another copy).
  using Overlay = std::function<void(std::vector<section::v1::Component>& components, std::vector<std::string>* unapplied,
                                     std::set<std::string>* changed)>;

  // `announce`: log each version published (not for section-host --check, which serves none).
  explicit Versions(bool announce = true) : announce_(announce) {}
  void set_announce(bool announce) { announce_ = announce; }
  void set_overlay(Overlay overlay) { overlay_ = std::move(overlay); }

  // Builds the next version from `section` and the served components of `slots` (each parsed
  // from its stored bytes: docs/architecture.md, "Conversions, counted"), and makes it current.
  ViewPtr publish(const std::string& reason, const config::SectionFile& section, const Slots& slots);

  // The current version; null before the first.
  ViewPtr current() const;
  // Calls `listener` with every version published from now on. Returns an id for unsubscribe().
  int subscribe(Listener listener) { return listeners_.add(std::move(listener)); }
  void unsubscribe(int id) { listeners_.remove(id); }

 private:
  bool announce_;
  Overlay overlay_;
  mutable std::mutex mutex_;
  ViewPtr current_;
  std::uint64_t number_ = 0;
  Callbacks<const ViewPtr&> listeners_;
};

}  // namespace section::registry
