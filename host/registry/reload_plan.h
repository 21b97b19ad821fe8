// A reload in three steps, each with nothing changed until the last: plan which running plugins
// are kept and start the others, check that everything still holds under the new section file
// and fits together, then swap the planned slots in at once.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "host/config/host_config.h"
#include "host/registry/slot.h"
#include "host/registry/work_queue.h"

namespace section::registry {

struct ReloadPlan {
  std::vector<Slot*> order;  // every slot of the new configuration, in its order
  Slots started;             // at the same positions: a slot started for the reload, null where kept
  ReloadSummary summary;
};

// Starts `plugin` in a new slot, its component checked against `others`; an error stops the
// reload (a slot in state FAILED is no error).
using StartSlot = std::function<absl::StatusOr<std::unique_ptr<Slot>>(const config::PluginConfig& plugin,
                                                                      const std::vector<const Slot*>& others)>;

// Keeps each running slot that is the same plugin and may be kept (Supervisor::keepable) and
// starts every other plugin of `config`, each checked against those before it; the error is the
// first plugin's that fails.
absl::StatusOr<ReloadPlan> plan_reload(const Slots& running, const config::HostConfig& config, const StartSlot& start);
// The kept components hold under the new section file (its budget year) as well, and all of
// them fit together.
absl::Status check_reload(const ReloadPlan& plan, int budget_year);
// Swaps the planned slots in for `running`. Returns the slots no longer configured (or
// replaced), to stop once the new version is out.
Slots swap_in(Slots& running, ReloadPlan& plan, const config::HostConfig& config);

}  // namespace section::registry
