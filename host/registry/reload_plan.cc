#include "host/registry/reload_plan.h"

#include "host/aggregate/validation.h"
#include "host/loading/plugin_steps.h"
#include "host/registry/supervisor.h"

namespace section::registry {

absl::StatusOr<ReloadPlan> plan_reload(const Slots& running, const config::HostConfig& config, const StartSlot& start) {
  ReloadPlan plan;
  std::vector<bool> kept(running.size(), false);
  for (const config::PluginConfig& plugin : config.plugins) {
    Slot* keep = nullptr;
    for (std::size_t i = 0; i < running.size(); ++i) {
      if (!kept[i] && running[i]->config.same_plugin_as(plugin) && Supervisor::keepable(*running[i])) {
        kept[i] = true;
        keep = running[i].get();
        break;
      }
    }
    if (keep != nullptr) {
      plan.order.push_back(keep);
      plan.started.push_back(nullptr);
      plan.summary.kept.push_back(plugin.id);
      continue;
    }
    auto slot = start(plugin, std::vector<const Slot*>(plan.order.begin(), plan.order.end()));
    if (!slot.ok()) return slot.status();
    plan.order.push_back(slot->get());
    plan.started.push_back(std::move(*slot));
    plan.summary.started.push_back(plugin.id);
  }
  return plan;
}

absl::Status check_reload(const ReloadPlan& plan, int budget_year) {
  std::vector<const section::v1::Component*> together;
  for (const Slot* slot : plan.order) {
    if (!slot->component) continue;
    const absl::Status valid =
        loading::validate_fetched(slot->component->parse(), slot->config.id, slot->status.library(), budget_year);
    if (!valid.ok()) return valid;
    together.push_back(&slot->component->header);
  }
  if (absl::Status fits = aggregate::validate_together(together); !fits.ok()) {
    return absl::InvalidArgumentError("the components do not fit together: " + std::string(fits.message()));
  }
  return absl::OkStatus();
}

Slots swap_in(Slots& running, ReloadPlan& plan, const config::HostConfig& config) {
  Slots next;
  for (std::size_t i = 0; i < plan.order.size(); ++i) {
    if (plan.started[i]) {
      next.push_back(std::move(plan.started[i]));
      continue;
    }
    for (auto& slot : running) {
      if (slot.get() == plan.order[i]) {
        next.push_back(std::move(slot));
        next.back()->config = config.plugins[i];  // the same plugin; its line may have moved
        break;
      }
    }
  }
  Slots retired;
  for (auto& slot : running) {
    if (slot) {
      plan.summary.stopped.push_back(slot->config.id);
      retired.push_back(std::move(slot));
    }
  }
  running = std::move(next);
  return retired;
}

}  // namespace section::registry
