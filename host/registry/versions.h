// The versions of the section that the registry publishes: each is built from the served
// components' shares (query::build_shared_view: a component that did not change is not parsed
// and its tables are not built again), kept serialized and made current at once for readers, who
// take it without waiting for a writer beyond a pointer copy; then every listener is told. Only
// the registry's thread of changes publishes.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "host/config/section_file.h"
#include "host/core/callbacks.h"
#include "host/query/published_view.h"
#include "host/query/shared_view.h"
#include "host/registry/slot.h"

namespace section::registry {

using ViewPtr = std::shared_ptr<const query::PublishedView>;

class Versions {
 public:
  using Listener = std::function<void(const ViewPtr&)>;
  // Reported figures (host/reports) laid over the plugins' components in every version.
  struct Overlay {
    // The components that have reported figures (only those are parsed), each with the identity
    // of its figures: the same pointer as long as they do not change; in the order in which the
    // notes of their reports that cannot be applied are listed. A component whose plugin
    // published nothing new and whose figures kept their identity is served as the last version
    // served it, without another copy or another share. Both calls come from the publishing
    // thread, the only one on which the figures change.
    using Reported = std::vector<std::pair<std::string, std::shared_ptr<const void>>>;
    std::function<Reported()> reported;
    // Sets component `id`'s reported values in `component` (null when it is not served) and
    // lists in `unapplied` the reports it could not apply. True when it changed `component`
    // (otherwise it is served as its plugin published it, without another copy).
    std::function<bool(const std::string& id, section::v1::Component* component, std::vector<std::string>* unapplied)> apply;
  };

  // `announce`: log each version published (not for section-host --check, which serves none).
  explicit Versions(bool announce = true) : announce_(announce) {}
  void set_announce(bool announce) { announce_ = announce; }
  void set_overlay(Overlay overlay) { overlay_ = std::move(overlay); }

  // Builds the next version from `section` and the served components of `slots`, and makes it
  // current. A component is parsed only when it has reported figures, or has no share for this
  // section file yet (docs/architecture.md, "Conversions, counted").
  ViewPtr publish(const std::string& reason, const std::shared_ptr<const config::SectionFile>& section, const Slots& slots);

  // The current version; null before the first.
  ViewPtr current() const;
  // `stored` with its reported figures `figures` laid over, as the last version built it (in the
  // overlay's order), handed over once: for the next batch of reports to start from. Nothing when
  // that version did not build it anew, or built it with other figures. Only on the publishing thread.
  std::optional<section::v1::Component> take_overlaid(const query::StoredPtr& stored, const void* figures);
  // `stored` parsed. Kept for a component with reported figures, which each report reads (its
  // checks) and each version parses (to lay the reports over it), until its plugin publishes
  // another or it is no longer served. Only on the publishing thread.
  const section::v1::Component& parsed(const query::StoredPtr& stored);

  // Calls `listener` with every version published from now on. Returns an id for unsubscribe().
  int subscribe(Listener listener) { return listeners_.add(std::move(listener)); }
  void unsubscribe(int id) { listeners_.remove(id); }

 private:
  // The served components with their shares, reported figures laid over them.
  std::vector<query::SharedComponent> shared_components(const std::vector<query::StoredPtr>& served,
                                                        std::vector<std::string>* report_notes);
  // The share of a component served as stored: built when it was kept, or here (from `parsed`
  // when given) for a section file that changed since, or for a component kept without one.
  query::SharePtr share_of(const query::StoredPtr& stored, const section::v1::Component* parsed);

  bool announce_;
  Overlay overlay_;
  // Only on the publishing thread: the section file of the last version and the shares built
  // here for it, by stored component (held, so that its address is not reused), those served by
  // the last version only.
  std::shared_ptr<const config::SectionFile> section_;
  std::map<const query::StoredComponent*, query::SharedComponent> built_;
  // By component id: the stored component parsed (parsed()), held so that its address is not reused.
  std::map<std::string, std::pair<query::StoredPtr, section::v1::Component>> parsed_;
  // By component id, a component with reported figures as the last version served it: built
  // from `published` with the figures `figures` (both held, so that no address is reused).
  struct Overlaid {
    query::StoredPtr published;
    std::shared_ptr<const void> figures;
    query::SharedComponent served;
    std::vector<std::string> unapplied;
    // The component it was built from, until take_overlaid hands it over; kept by the version
    // that built it only, so that at most the components of one change are held.
    std::optional<section::v1::Component> component;
  };
  std::map<std::string, Overlaid> overlaid_;
  mutable std::mutex mutex_;
  ViewPtr current_;
  std::uint64_t number_ = 0;
  Callbacks<const ViewPtr&> listeners_;
};

}  // namespace section::registry
