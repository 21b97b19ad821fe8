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

Refused refused(Refusal code, std::string message) { return Refused{code, std::move(message)}; }

// The same report: a retry of it may be answered with what was stored.
bool same_report(const FigureChange& stored, const section::v1::ReportValueRequest& request) {
  section::v1::FigureValue value = request.value();
  value.set_present(true);
  return MessageDifferencer::Equals(stored.figure(), request.figure()) && MessageDifferencer::Equals(stored.new_value(), value) &&
         stored.comment() == request.comment();
}

Refused write_refusal(const store::WriteResult& result) {
  switch (result.error) {
    case store::WriteError::kFull:
      return refused(Refusal::kResourceExhausted, "the report database is full, nothing was stored: " + result.message);
    case store::WriteError::kReadOnly:
      return refused(Refusal::kFailedPrecondition, "the report database cannot be written, nothing was stored: " + result.message);
    case store::WriteError::kDuplicate:
      return refused(Refusal::kAlreadyExists, "the idempotency key is already used: " + result.message);
    default:
      return refused(Refusal::kInternal, "the report could not be stored, nothing was stored: " + result.message);
  }
}

}  // namespace

Result<std::unique_ptr<ReportDesk>> ReportDesk::open(const config::StorageConfig& storage) {
  std::unique_ptr<ReportDesk> desk(new ReportDesk());
  auto figures = std::make_shared<ReportedFigures>();
  if (!storage.data_dir.empty()) {
    auto store = store::ReportStore::open(storage);
    if (!store) return Status::error("storage: " + store.status().message());
    desk->store_ = std::move(*store);
    auto all = desk->store_->all();
    if (!all) return Status::error("storage: " + all.status().message());
    for (const auto& change : *all) figures->add(change);
    if (!desk->store_->writable()) log::warning("storage: reports are served but cannot be written: " + desk->store_->read_only_reason());
  }
  desk->figures_ = std::move(figures);
  return desk;
}

void ReportDesk::attach(registry::Registry& registry) {
  registry_ = &registry;
  registry.set_overlay([this](std::vector<section::v1::Component>& components, std::vector<std::string>* unapplied,
                              std::set<std::string>* changed) {
    std::atomic_load(&figures_)->apply_to(components, unapplied, changed);
  });
}

std::string ReportDesk::describe() const {
  if (!store_) return "no storage configured: reports are refused";
  const std::size_t count = std::atomic_load(&figures_)->size();
  return store_->path().string() + " (" + std::to_string(count) + " figures reported" +
         (store_->writable() ? ")" : "; read-only: " + store_->read_only_reason() + ")");
}

std::optional<Refused> ReportDesk::replay(const security::Principal& who, const section::v1::ReportValueRequest& request,
                                          ReportOutcome* outcome) const {
  auto earlier = store_->find(who.name, request.idempotency_key());
  if (!earlier) return refused(Refusal::kUnavailable, "the report database cannot be read: " + earlier.status().message());
  if (!earlier->has_value()) return std::nullopt;
  if (!same_report(**earlier, request)) {
    return refused(Refusal::kAlreadyExists, "idempotency key " + echo(request.idempotency_key()) + " was used by " + who.name +
                                                " for another report (sequence " + std::to_string((*earlier)->sequence()) +
                                                "); use a new key for a new report");
  }
  *outcome->response.mutable_change() = **earlier;
  outcome->response.set_replayed(true);
  return std::nullopt;
}

ReportOutcome ReportDesk::report(const security::Principal& who, const section::v1::ReportValueRequest& request) {
  ReportOutcome outcome;
  if (auto bad = check_shape(request)) {
    outcome.refused = bad;
    return outcome;
  }
  if (!store_) {
    outcome.refused = refused(Refusal::kFailedPrecondition, "this host keeps no reports: its configuration sets no storage.data_dir");
    return outcome;
  }
  std::lock_guard<std::mutex> one_at_a_time(mutex_);
  if (auto bad = replay(who, request, &outcome)) {
    outcome.refused = bad;
    return outcome;
  }
  if (outcome.response.replayed()) return outcome;
  if (!store_->writable()) {
    outcome.refused = refused(Refusal::kFailedPrecondition, "reports cannot be stored: " + store_->read_only_reason());
    return outcome;
  }

  FigureChange change;
  *change.mutable_figure() = request.figure();
  *change.mutable_new_value() = request.value();
  change.mutable_new_value()->set_present(true);
  change.set_reported_by(who.name);
  change.set_comment(request.comment());
  change.set_idempotency_key(request.idempotency_key());
  std::optional<Refused> refusal;
  auto version = registry_->change_reported(request.figure().component(),
                                            [&](const registry::Registry::ComponentAccess& access) -> std::optional<std::string> {
                                              refusal = accept(access, change, request.value());
                                              if (refusal) return std::nullopt;
                                              return reports::describe(change.figure()) + " reported by " + who.name;
                                            });
  if (!version) {
    outcome.refused = refused(Refusal::kUnavailable, version.status().message());
  } else if (refusal) {
    outcome.refused = refusal;
  } else {
    *outcome.response.mutable_change() = change;
    outcome.response.set_version(*version);
  }
  return outcome;
}

std::optional<Refused> ReportDesk::accept(const registry::Registry::ComponentAccess& access, FigureChange& change,
                                          const section::v1::FigureValue& proposed) {
  const std::string& id = change.figure().component();
  if (access.published == nullptr) {
    if (access.state == section::v1::COMPONENT_STATE_UNSPECIFIED) return refused(Refusal::kNotFound, "no component " + echo(id));
    return refused(Refusal::kFailedPrecondition, "component " + echo(id) + " is " + section::v1::ComponentState_Name(access.state) +
                                                     (access.reason.empty() ? "" : " (" + access.reason + ")") +
                                                     ": its figures cannot be checked, so none can be reported");
  }
  // The component as it is served, reports and all, with the new value in it.
  section::v1::Component candidate = *access.published;
  std::atomic_load(&figures_)->apply_to(candidate);
  section::v1::FigureValue old_value;
  if (auto bad = current_value(candidate, change.figure(), &proposed, &old_value)) return bad;
  *change.mutable_old_value() = old_value;
  *change.mutable_reported_at() = now_timestamp();
  apply(candidate, change);

  if (Status valid = aggregate::validate_component(candidate, id, access.budget_year); !valid) {
    return refused(Refusal::kInvalidArgument, "the component with this value is not valid: " + valid.message());
  }
  std::string problems;
  switch (access.check(candidate, &problems)) {
    case loading::ComponentSource::CheckOutcome::kPassed: break;
    case loading::ComponentSource::CheckOutcome::kRefused:
      return refused(Refusal::kInvalidArgument, "plugin '" + id + "' refuses this value: " + problems);
    case loading::ComponentSource::CheckOutcome::kUnsupported: {
      // A plugin without its own check hook: the checks that hold for every component.
      sdk::Findings findings;
      sdk::checks::common(candidate, findings);
      if (!findings.empty()) return refused(Refusal::kInvalidArgument, "this value fails the common checks: " + findings.to_string());
      break;
    }
    case loading::ComponentSource::CheckOutcome::kFailed:
      return refused(Refusal::kUnavailable, "plugin '" + id + "' cannot check this value now (" + problems + "); try again");
  }

  const store::WriteResult written = store_->append(change);
  if (!written.ok()) {
    log::error("report not stored: " + reports::describe(change.figure()) + " by " + change.reported_by() + ": " + written.message);
    return write_refusal(written);
  }
  auto figures = std::make_shared<ReportedFigures>(*std::atomic_load(&figures_));
  figures->add(change);
  std::atomic_store(&figures_, std::shared_ptr<const ReportedFigures>(std::move(figures)));
  log::info("report stored (sequence " + std::to_string(change.sequence()) + "): " + reports::describe(change.figure()) + " " +
            reports::describe(change.old_value()) + " → " + reports::describe(change.new_value()) + " by " + change.reported_by());
  return std::nullopt;
}

Result<std::vector<FigureChange>> ReportDesk::history(const section::v1::ListHistoryRequest& request) const {
  if (!store_) return std::vector<FigureChange>();
  return store_->history(request);
}

}  // namespace section::reports
