#include "host/reports/report_desk.h"

#include <google/protobuf/util/message_differencer.h>

#include "host/aggregate/validation.h"
#include "host/core/clock.h"
#include "host/core/echo.h"
#include "host/core/log.h"
#include "section/sdk/sdk.h"

namespace section::reports {
namespace {

using google::protobuf::util::MessageDifferencer;
using section::v1::FigureChange;

// The same report: a retry of it may be answered with what was stored.
bool same_report(const FigureChange& stored, const section::v1::ReportValueRequest& request) {
  section::v1::FigureValue value = request.value();
  value.set_present(true);
  return MessageDifferencer::Equals(stored.figure(), request.figure()) && MessageDifferencer::Equals(stored.new_value(), value) &&
         stored.comment() == request.comment();
}

// What a client is told when the store refuses a write: the store's code, said for a reporter.
absl::Status write_refusal(const absl::Status& written) {
  const std::string why(written.message());
  switch (written.code()) {
    case absl::StatusCode::kResourceExhausted:
      return absl::ResourceExhaustedError("the report database is full, nothing was stored: " + why);
    case absl::StatusCode::kFailedPrecondition:
      return absl::FailedPreconditionError("the report database cannot be written, nothing was stored: " + why);
    case absl::StatusCode::kAlreadyExists: return absl::AlreadyExistsError("the idempotency key is already used: " + why);
    default: return absl::InternalError("the report could not be stored, nothing was stored: " + why);
  }
}

// The host's validation, then the plugin's own checks (or, for a plugin without a check hook,
// the checks that hold for every component), on the component with the reported value in it.
absl::Status check_candidate(const registry::Registry::ComponentAccess& access, const section::v1::Component& candidate,
                             const std::string& id) {
  if (absl::Status valid = aggregate::validate_component(candidate, id, access.budget_year); !valid.ok()) {
    return absl::InvalidArgumentError("the component with this value is not valid: " + std::string(valid.message()));
  }
  const absl::Status checked = access.check(candidate);
  switch (checked.code()) {
    case absl::StatusCode::kOk: return checked;
    case absl::StatusCode::kInvalidArgument:
      return absl::InvalidArgumentError("plugin '" + id + "' refuses this value: " + std::string(checked.message()));
    case absl::StatusCode::kUnimplemented: {
      sdk::Findings findings;
      sdk::checks::common(candidate, findings);
      if (findings.empty()) return absl::OkStatus();
      return absl::InvalidArgumentError("this value fails the common checks: " + findings.to_string());
    }
    default:
      return absl::UnavailableError("plugin '" + id + "' cannot check this value now (" + std::string(checked.message()) +
                                    "); try again");
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ReportDesk>> ReportDesk::open(const config::StorageConfig& storage) {
  std::unique_ptr<ReportDesk> desk(new ReportDesk());
  auto figures = std::make_shared<ReportedFigures>();
  if (!storage.data_dir.empty()) {
    auto store = store::ReportStore::open(storage);
    if (!store.ok()) return absl::InvalidArgumentError("storage: " + std::string(store.status().message()));
    desk->store_ = std::move(*store);
    auto all = desk->store_->all();
    if (!all.ok()) return absl::InvalidArgumentError("storage: " + std::string(all.status().message()));
    for (const auto& change : *all) figures->add(change);
    if (!desk->store_->writable()) log::warning("storage: reports are served but cannot be written: " + desk->store_->read_only_reason());
  }
  desk->figures_ = std::move(figures);
  return desk;
}

void ReportDesk::attach(registry::Registry& registry) {
  registry_ = &registry;
  registry::Versions::Overlay overlay;
  overlay.reported = [this] { return std::atomic_load(&figures_)->components(); };
  overlay.apply = [this](std::vector<section::v1::Component>& components, std::vector<std::string>* unapplied,
                         std::set<std::string>* changed) { std::atomic_load(&figures_)->apply_to(components, unapplied, changed); };
  registry.set_overlay(std::move(overlay));
}

std::string ReportDesk::describe() const {
  if (!store_) return "no storage configured: reports are refused";
  const std::size_t count = std::atomic_load(&figures_)->size();
  return store_->path().string() + " (" + std::to_string(count) + " figures reported" +
         (store_->writable() ? ")" : "; read-only: " + store_->read_only_reason() + ")");
}

absl::StatusOr<std::optional<section::v1::ReportValueResponse>> ReportDesk::replay(
    const security::Principal& who, const section::v1::ReportValueRequest& request) const {
  auto earlier = store_->find(who.name, request.idempotency_key());
  if (!earlier.ok()) return absl::UnavailableError("the report database cannot be read: " + std::string(earlier.status().message()));
  if (!earlier->has_value()) return std::nullopt;
  if (!same_report(**earlier, request)) {
    return absl::AlreadyExistsError("idempotency key " + echo(request.idempotency_key()) + " was used by " + who.name +
                                    " for another report (sequence " + std::to_string((*earlier)->sequence()) +
                                    "); use a new key for a new report");
  }
  section::v1::ReportValueResponse replayed;
  *replayed.mutable_change() = **earlier;
  replayed.set_replayed(true);
  return replayed;
}

absl::StatusOr<section::v1::ReportValueResponse> ReportDesk::report(const security::Principal& who,
                                                                    const section::v1::ReportValueRequest& request) {
  if (absl::Status shape = check_shape(request); !shape.ok()) return shape;
  if (!store_) return absl::FailedPreconditionError("this host keeps no reports: its configuration sets no storage.data_dir");
  std::lock_guard<std::mutex> one_at_a_time(mutex_);
  auto replayed = replay(who, request);
  if (!replayed.ok()) return replayed.status();
  if (replayed->has_value()) return **replayed;
  if (!store_->writable()) return absl::FailedPreconditionError("reports cannot be stored: " + store_->read_only_reason());

  FigureChange change;
  *change.mutable_figure() = request.figure();
  *change.mutable_new_value() = request.value();
  change.mutable_new_value()->set_present(true);
  change.set_reported_by(who.name);
  change.set_comment(request.comment());
  change.set_idempotency_key(request.idempotency_key());
  auto version = registry_->change_reported(
      request.figure().component(), [&](const registry::Registry::ComponentAccess& access) -> absl::StatusOr<std::string> {
        if (absl::Status accepted = accept(access, change, request.value()); !accepted.ok()) return accepted;
        return reports::describe(change.figure()) + " reported by " + who.name;
      });
  if (!version.ok()) return version.status();
  section::v1::ReportValueResponse response;
  *response.mutable_change() = change;
  response.set_version(*version);
  return response;
}

absl::Status ReportDesk::accept(const registry::Registry::ComponentAccess& access, FigureChange& change,
                                const section::v1::FigureValue& proposed) {
  const std::string& id = change.figure().component();
  if (access.published == nullptr) {
    if (access.state == section::v1::COMPONENT_STATE_UNSPECIFIED) return absl::NotFoundError("no component " + echo(id));
    return absl::FailedPreconditionError("component " + echo(id) + " is " + section::v1::ComponentState_Name(access.state) +
                                         (access.reason.empty() ? "" : " (" + access.reason + ")") +
                                         ": its figures cannot be checked, so none can be reported");
  }
  // The component as it is served, reports and all, with the new value in it.
  section::v1::Component candidate = *access.published;
  std::atomic_load(&figures_)->apply_to(candidate);
  section::v1::FigureValue old_value;
  if (absl::Status found = current_value(candidate, change.figure(), &proposed, &old_value); !found.ok()) return found;
  *change.mutable_old_value() = old_value;
  *change.mutable_reported_at() = now_timestamp();
  apply(candidate, change);
  if (absl::Status checked = check_candidate(access, candidate, id); !checked.ok()) return checked;

  if (absl::Status written = store_->append(change); !written.ok()) {
    log::error("report not stored: " + reports::describe(change.figure()) + " by " + change.reported_by() + ": " +
               std::string(written.message()));
    return write_refusal(written);
  }
  auto figures = std::make_shared<ReportedFigures>(*std::atomic_load(&figures_));
  figures->add(change);
  std::atomic_store(&figures_, std::shared_ptr<const ReportedFigures>(std::move(figures)));
  log::info("report stored (sequence " + std::to_string(change.sequence()) + "): " + reports::describe(change.figure()) + " " +
            reports::describe(change.old_value()) + " → " + reports::describe(change.new_value()) + " by " + change.reported_by());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<FigureChange>> ReportDesk::history(const section::v1::ListHistoryRequest& request) const {
  if (!store_) return std::vector<FigureChange>();
  return store_->history(request);
}

}  // namespace section::reports
