#include "host/reports/report_desk.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include <absl/cleanup/cleanup.h>
#include <google/protobuf/util/message_differencer.h>

#include "host/aggregate/validation.h"
#include "host/core/clock.h"
#include "host/core/echo.h"
#include "host/core/log.h"
#include "host/reports/history_page.h"
#include "section/sdk/sdk.h"

namespace section::reports {
namespace {

using google::protobuf::util::MessageDifferencer;
using section::v1::FigureChange;

// How long a leader waits for its batch to fill, at most (group commit's wait, as PostgreSQL's
// commit_delay): only after a batch of several reports, whose reporters are then likely sending
// their next ones; a lone reporter never waits. About a loopback round trip and a report's
// arrival; one version and one commit then serve them all, where the next batch would
// otherwise take the first to arrive alone.
constexpr std::chrono::microseconds kGather{1000};

// The same value: `present` is the host's to set on every value it stores.
bool same_value(section::v1::FigureValue a, section::v1::FigureValue b) {
  a.set_present(true);
  b.set_present(true);
  return MessageDifferencer::Equals(a, b);
}

// The same report: a retry of it may be answered with what was stored.
bool same_report(const FigureChange& stored, const section::v1::ReportValueRequest& request) {
  return MessageDifferencer::Equals(stored.figure(), request.figure()) && same_value(stored.new_value(), request.value()) &&
         stored.comment() == request.comment();
}

// The same report asked for twice: a figure, a value and a comment alike.
bool same_request(const section::v1::ReportValueRequest& a, const section::v1::ReportValueRequest& b) {
  return MessageDifferencer::Equals(a.figure(), b.figure()) && same_value(a.value(), b.value()) && a.comment() == b.comment();
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
    case absl::StatusCode::kUnavailable:
      // The connection may have broken after the commit: the retry with the same key tells.
      return absl::UnavailableError("the report store is unreachable, and whether the report was stored is not known; "
                                    "retry with the same idempotency key: " + why);
    default: return absl::InternalError("the report could not be stored, nothing was stored: " + why);
  }
}

// The host's validation, then the plugin's own checks (or, for a plugin without a check hook,
// the checks that hold for every component), on the component with the reported value in it.
absl::Status check_candidate(const registry::Registry::ComponentAccess& access, const section::v1::Component& candidate,
                             const std::string& id, const CandidateBytes* bytes) {
  const auto scope = aggregate::Scope::kReportedValues;  // the rest of the published component was checked
  if (absl::Status valid = aggregate::validate_component(candidate, id, access.budget_year, scope); !valid.ok()) {
    return absl::InvalidArgumentError("the component with this value is not valid: " + std::string(valid.message()));
  }
  const absl::Status checked = bytes != nullptr ? access.check_serialized(bytes->of(candidate)) : access.check(candidate);
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
  if (storage.configured()) {
    auto store = store::ReportStore::open(storage);
    if (!store.ok()) return absl::InvalidArgumentError("storage: " + std::string(store.status().message()));
    desk->store_ = std::move(*store);
    auto all = desk->store_->all();
    if (!all.ok()) return absl::InvalidArgumentError("storage: " + std::string(all.status().message()));
    std::vector<const FigureChange*> stored;
    stored.reserve(all->size());
    for (const auto& change : *all) stored.push_back(&change);
    figures->add_all(stored);
    desk->tracker_ = SequenceTracker(all->empty() ? 0 : all->back().sequence());
    if (!desk->store_->writable()) log::warning("storage: reports are served but cannot be written: " + desk->store_->read_only_reason());
  }
  desk->figures_ = std::move(figures);
  return desk;
}

ReportDesk::~ReportDesk() { stop_following(); }

void ReportDesk::follow(std::function<void(bool taking)> taking) {
  if (!store_ || !store_->shared()) return;
  store::ReportStore::Follower follower;
  follower.changed = [this](const std::vector<std::uint64_t>& noticed) { catch_up(noticed); };
  follower.reachability = [this, taking = std::move(taking)](const absl::Status&) {
    if (taking) taking(taking_reports());
  };
  store_->follow(std::move(follower));
}

void ReportDesk::stop_following() {
  if (store_) store_->stop_following();
}

void ReportDesk::catch_up(const std::vector<std::uint64_t>& noticed) {
  // In pages, so that a long backlog is never one fetch longer than the statement timeout.
  constexpr std::size_t kPage = 1000;
  for (bool first = true;; first = false) {
    std::uint64_t last = 0;
    {
      std::unique_lock<std::mutex> lock(tracker_mutex_);
      // PostgreSQL may deliver the notice of this host's own commit before the append returns
      // its sequences: the appends under way are waited for, so that the notice is known as
      // this host's own rather than fetched.
      const std::uint64_t under_way = appends_started_;
      if (first) appends_finished_changed_.wait(lock, [&] { return appends_finished_ >= under_way; });
      const bool known = first && !noticed.empty() && std::all_of(noticed.begin(), noticed.end(), [&](std::uint64_t sequence) {
        return tracker_.applied(sequence);
      });
      if (known) return;
      last = tracker_.last();
    }
    // The fetch, over the network, happens here; only the bookkeeping and the publishing on the worker.
    auto fetched = store_->after(last, kPage);
    if (!fetched.ok()) {
      log::warning("storage: cannot fetch the reports of other hosts: " + std::string(fetched.status().message()));
      return;
    }
    if (fetched->empty()) return;
    auto applied = registry_->change_reported("", [&](const registry::Registry::ComponentAccess&) -> absl::StatusOr<std::string> {
      return apply_fetched(*fetched);
    });
    if (!applied.ok()) {
      log::warning("storage: the reports of other hosts wait: " + std::string(applied.status().message()));
      return;
    }
    if (fetched->size() < kPage) return;
  }
}

std::string ReportDesk::apply_fetched(const std::vector<FigureChange>& fetched) {
  std::vector<FigureChange> fresh;
  {
    std::lock_guard<std::mutex> lock(tracker_mutex_);
    fresh = tracker_.take_new(fetched);
  }
  if (fresh.empty()) return std::string();  // all applied already: no new version
  auto figures = std::make_shared<ReportedFigures>(*std::atomic_load(&figures_));
  std::vector<const FigureChange*> added;
  for (const auto& change : fresh) added.push_back(&change);
  figures->add_all(added);
  std::atomic_store(&figures_, std::shared_ptr<const ReportedFigures>(std::move(figures)));
  const FigureChange& first = fresh.front();
  log::info("reports of other hosts applied up to sequence " + std::to_string(fresh.back().sequence()) + ": " +
            std::to_string(fresh.size()) + ", the first " + reports::describe(first.figure()) + " by " + first.reported_by());
  return std::to_string(fresh.size()) + (fresh.size() == 1 ? " report" : " reports") + " from other hosts, the first " +
         reports::describe(first.figure()) + " reported by " + first.reported_by();
}

void ReportDesk::attach(registry::Registry& registry) {
  registry_ = &registry;
  registry::Versions::Overlay overlay;
  overlay.reported = [this] {
    const auto served = std::atomic_load(&figures_);
    registry::Versions::Overlay::Reported reported;
    for (const auto& [id, figures] : served->by_component()) reported.emplace_back(id, figures);
    return reported;
  };
  overlay.apply = [this](const std::string& id, section::v1::Component* component, std::vector<std::string>* unapplied) {
    return std::atomic_load(&figures_)->apply_to(id, component, unapplied);
  };
  registry.set_overlay(std::move(overlay));
}

std::string ReportDesk::describe() const {
  if (!store_) return "no storage configured: reports are refused";
  const std::size_t count = std::atomic_load(&figures_)->size();
  std::string text = store_->describe() + " (" + std::to_string(count) + " figures reported";
  if (!store_->writable()) return text + "; read-only: " + store_->read_only_reason() + ")";
  if (absl::Status up = store_->reachable(); !up.ok()) {
    return text + "; unreachable, reports are refused until it is back: " + std::string(up.message()) + ")";
  }
  return text + ")";
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
  if (absl::Status up = store_->reachable(); !up.ok()) {
    return absl::UnavailableError("the report store is unreachable, nothing was stored; try again: " + std::string(up.message()));
  }
  auto replayed = replay(who, request);
  if (!replayed.ok()) return replayed.status();
  if (replayed->has_value()) return **replayed;
  if (!store_->writable()) return absl::FailedPreconditionError("reports cannot be stored: " + store_->read_only_reason());

  // A report whose key a report before it in the same batch held is taken again, on its own,
  // when that one was not stored after all (refused, or its commit failed): a retry sent while
  // its first attempt was still being taken must not be told the key is used. Each round
  // settles the report that held the key, so the rounds are few; the cap keeps them bounded.
  constexpr int kMaxRounds = 8;
  for (int round = 1;; ++round) {
    Pending mine{who, &request};
    absl::StatusOr<section::v1::ReportValueResponse> outcome = queue_and_wait(mine);
    if (outcome.ok() || outcome.status().code() != absl::StatusCode::kAlreadyExists) return outcome;
    // The same key was stored meanwhile (by a concurrent call, here or on another host):
    // answered like a retry of it.
    auto stored = replay(who, request);
    if (!stored.ok()) return stored.status();
    if (stored->has_value()) return **stored;
    if (!mine.repeated) return outcome;
    if (round == kMaxRounds) {
      return absl::UnavailableError("reports with the same idempotency key kept arriving together, and none was stored; "
                                    "retry with the same key");
    }
  }
}

absl::StatusOr<section::v1::ReportValueResponse> ReportDesk::queue_and_wait(Pending& mine) {
  std::unique_lock<std::mutex> lock(queue_mutex_);
  queue_.push_back(&mine);
  queue_grew_.notify_one();
  if (!leading_) {
    leading_ = true;  // nothing runs, so the queue held nothing: `mine` is first
    mine.lead = true;
  }
  queue_changed_.wait(lock, [&] { return mine.answered || mine.lead; });
  if (!mine.answered) {
    lock.unlock();
    lead_batch();
    lock.lock();
  }
  return std::move(mine.answer);
}

void ReportDesk::lead_batch() {
  std::vector<Pending*> batch;
  {
    std::unique_lock<std::mutex> lock(queue_mutex_);
    if (last_batch_ > 1) queue_grew_.wait_for(lock, kGather, [&] { return queue_.size() >= last_batch_; });
    // One component per batch: the worker gives access to one component at a time.
    const std::string component = queue_.front()->request->figure().component();
    for (auto it = queue_.begin(); it != queue_.end();) {
      if ((*it)->request->figure().component() != component) {
        ++it;
        continue;
      }
      batch.push_back(*it);
      it = queue_.erase(it);
    }
    last_batch_ = batch.size();
  }
  run_batch(batch);
  std::lock_guard<std::mutex> lock(queue_mutex_);
  if (queue_.empty()) {
    leading_ = false;
  } else {
    queue_.front()->lead = true;
  }
  queue_changed_.notify_all();
}

void ReportDesk::answer(Pending& pending, absl::StatusOr<section::v1::ReportValueResponse> answer) {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  pending.answer = std::move(answer);
  pending.answered = true;
}

void ReportDesk::run_batch(const std::vector<Pending*>& batch) {
  std::vector<FigureChange> changes(batch.size());
  std::vector<absl::Status> outcomes(batch.size(), absl::OkStatus());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const section::v1::ReportValueRequest& request = *batch[i]->request;
    FigureChange& change = changes[i];
    *change.mutable_figure() = request.figure();
    *change.mutable_new_value() = request.value();
    change.mutable_new_value()->set_present(true);
    change.set_reported_by(batch[i]->who.name);
    change.set_comment(request.comment());
    change.set_idempotency_key(request.idempotency_key());
  }
  auto version = registry_->change_reported(
      changes.front().figure().component(), [&](const registry::Registry::ComponentAccess& access) -> absl::StatusOr<std::string> {
        return accept_batch(access, batch, changes, outcomes);
      });
  settle_repeated(batch, outcomes);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!version.ok()) {
      answer(*batch[i], version.status());
    } else if (!outcomes[i].ok()) {
      answer(*batch[i], outcomes[i]);
    } else {
      section::v1::ReportValueResponse response;
      *response.mutable_change() = std::move(changes[i]);
      response.set_version(*version);
      answer(*batch[i], std::move(response));
    }
  }
}

void ReportDesk::settle_repeated(const std::vector<Pending*>& batch, std::vector<absl::Status>& outcomes) {
  std::map<std::pair<std::string, std::string>, std::size_t> holders;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto [holder, first] = holders.emplace(std::make_pair(batch[i]->who.name, batch[i]->request->idempotency_key()), i);
    if (first || !batch[i]->repeated) continue;
    const std::size_t h = holder->second;
    if (outcomes[h].ok() || !same_request(*batch[h]->request, *batch[i]->request)) continue;
    outcomes[i] = outcomes[h];
    batch[i]->repeated = false;
  }
}

// Checks each report of the batch on the component with the reports before it, stores those
// that pass in one commit, and lays them over; the version's reason, or "" when none was stored.
// A shared store refuses the batch when another host stored a change this host has not applied
// (the reports were checked without it): it is fetched and laid over, and the batch checked again.
absl::StatusOr<std::string> ReportDesk::accept_batch(const registry::Registry::ComponentAccess& access,
                                                     const std::vector<Pending*>& batch, std::vector<FigureChange>& changes,
                                                     std::vector<absl::Status>& outcomes) {
  const std::string& id = changes.front().figure().component();
  if (access.published == nullptr) {
    if (access.state == section::v1::COMPONENT_STATE_UNSPECIFIED) return absl::NotFoundError("no component " + echo(id));
    return absl::FailedPreconditionError("component " + echo(id) + " is " + section::v1::ComponentState_Name(access.state) +
                                         (access.reason.empty() ? "" : " (" + access.reason + ")") +
                                         ": its figures cannot be checked, so none can be reported");
  }
  std::string others;  // the reason for changes of other hosts laid over meanwhile
  // First without the lock; when another host stored meanwhile, again holding the store's
  // append lock from the fetch to the commit, so that no change can come in between.
  for (const bool hold : {false, true}) {
    std::fill(outcomes.begin(), outcomes.end(), absl::OkStatus());
    const std::vector<FigureChange*> accepted = check_batch(access, batch, changes, outcomes);
    if (accepted.empty()) break;
    absl::StatusOr<std::string> stored = store_batch(changes, outcomes, accepted);
    if (stored.ok()) return stored->empty() || others.empty() ? *stored + others : *stored + "; " + others;
    if (hold) break;  // cannot happen while the lock is held
    std::uint64_t last = 0;
    {
      std::lock_guard<std::mutex> lock(tracker_mutex_);
      last = tracker_.last();
    }
    auto fetched = store_->hold_appends(last);
    if (!fetched.ok()) {
      const absl::Status refused = absl::UnavailableError("the reports of other hosts cannot be applied first, nothing was stored; "
                                                          "try again: " + std::string(fetched.status().message()));
      for (std::size_t i = 0; i < changes.size(); ++i) {
        if (outcomes[i].ok()) outcomes[i] = refused;
      }
      return others;
    }
    others = apply_fetched(*fetched);
  }
  store_->release_appends();
  return others;
}

std::vector<FigureChange*> ReportDesk::check_batch(const registry::Registry::ComponentAccess& access,
                                                   const std::vector<Pending*>& batch, std::vector<FigureChange>& changes,
                                                   std::vector<absl::Status>& outcomes) {
  // The component as it is served, reports and all; each report checked with those before it.
  // The last version built it when it laid these figures over (after this component's last
  // batch, as a rule): taken from there, not made again.
  const auto served = std::atomic_load(&figures_);
  const CandidateBytes* bytes = candidate_bytes(access);
  std::optional<section::v1::Component> overlaid = access.overlaid ? access.overlaid(served->of(access.published->id()).get()) : std::nullopt;
  section::v1::Component candidate;
  if (overlaid) {
    candidate = std::move(*overlaid);
  } else {
    candidate = *access.published;
    served->apply_to(candidate);
  }
  std::set<std::pair<std::string, std::string>> keys;
  std::vector<FigureChange*> accepted;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (!keys.insert({changes[i].reported_by(), changes[i].idempotency_key()}).second) {
      // Settled once the report that holds the key is (ReportDesk::report).
      batch[i]->repeated = true;
      outcomes[i] = absl::AlreadyExistsError("the idempotency key is in a report taken just before");
      continue;
    }
    bool laid_in = false;
    outcomes[i] = check_one(access, candidate, changes[i], batch[i]->request->value(), bytes, &laid_in);
    if (outcomes[i].ok()) {
      accepted.push_back(&changes[i]);
    } else if (laid_in) {
      // The refused value is in the candidate: made again without it (rare, so not copied each time).
      candidate = *access.published;
      served->apply_to(candidate);
      for (const FigureChange* ok : accepted) apply(candidate, *ok);
    }
  }
  return accepted;
}

// Stores the accepted changes in one commit and lays those stored over; the version's reason.
absl::StatusOr<std::string> ReportDesk::store_batch(std::vector<FigureChange>& changes, std::vector<absl::Status>& outcomes,
                                                    const std::vector<FigureChange*>& accepted) {
  std::optional<store::ReportStore::Applied> applied;
  if (store_->shared()) {
    std::lock_guard<std::mutex> lock(tracker_mutex_);
    applied = store::ReportStore::Applied{tracker_.last(), tracker_.own()};
    ++appends_started_;
  }
  // Counted as finished on every way out, once the tracker has the stored sequences (catch_up).
  auto finished = absl::MakeCleanup([this, shared = store_->shared()] {
    if (!shared) return;
    {
      std::lock_guard<std::mutex> lock(tracker_mutex_);
      ++appends_finished_;
    }
    appends_finished_changed_.notify_all();
  });
  const std::vector<absl::Status> written = store_->append_all(accepted, applied);
  if (written.front().code() == absl::StatusCode::kAborted) return written.front();
  std::vector<const FigureChange*> added;
  std::size_t stored = 0;
  const FigureChange* first = nullptr;
  std::uint64_t highest = 0;
  for (std::size_t a = 0, i = 0; i < changes.size(); ++i) {
    if (!outcomes[i].ok()) continue;
    FigureChange& change = changes[i];
    if (!written[a++].ok()) {
      log::error("report not stored: " + reports::describe(change.figure()) + " by " + change.reported_by() + ": " +
                 std::string(written[a - 1].message()));
      outcomes[i] = write_refusal(written[a - 1]);
      continue;
    }
    highest = std::max(highest, change.sequence());
    added.push_back(&change);
    if (first == nullptr) first = &change;
    ++stored;
    log::info("report stored (sequence " + std::to_string(change.sequence()) + "): " + reports::describe(change.figure()) + " " +
              reports::describe(change.old_value()) + " → " + reports::describe(change.new_value()) + " by " + change.reported_by());
  }
  if (stored == 0) return std::string();
  if (store_->shared()) {
    // The store checked that every change before these was applied here.
    std::lock_guard<std::mutex> lock(tracker_mutex_);
    tracker_.applied_up_to(highest);
  }
  // A copy of the reported figures shares every component's but this one's.
  auto figures = std::make_shared<ReportedFigures>(*std::atomic_load(&figures_));
  figures->add_all(added);
  std::atomic_store(&figures_, std::shared_ptr<const ReportedFigures>(std::move(figures)));
  const std::string one = reports::describe(first->figure()) + " reported by " + first->reported_by();
  return stored == 1 ? one : std::to_string(stored) + " reports, the first " + one;
}

const CandidateBytes* ReportDesk::candidate_bytes(const registry::Registry::ComponentAccess& access) {
  if (!access.check_serialized || !access.stored || access.published == nullptr) return nullptr;
  auto& [stored, bytes] = candidate_bytes_[access.published->id()];
  if (stored != access.stored || !bytes) {
    stored = access.stored;
    bytes = std::make_unique<const CandidateBytes>(*access.published);
  }
  return bytes.get();
}

// Checks one report on `candidate` with its value laid in, and leaves the value there;
// `laid_in` says whether it got that far (a refused value laid in must be taken out again).
absl::Status ReportDesk::check_one(const registry::Registry::ComponentAccess& access, section::v1::Component& candidate,
                                   FigureChange& change, const section::v1::FigureValue& proposed, const CandidateBytes* bytes,
                                   bool* laid_in) {
  *laid_in = false;
  section::v1::FigureValue old_value;
  if (absl::Status found = current_value(candidate, change.figure(), &proposed, &old_value); !found.ok()) return found;
  *change.mutable_old_value() = old_value;
  *change.mutable_reported_at() = now_timestamp();
  apply(candidate, change);
  *laid_in = true;
  return check_candidate(access, candidate, change.figure().component(), bytes);
}

absl::StatusOr<section::v1::ListHistoryResponse> ReportDesk::history(const section::v1::ListHistoryRequest& request) const {
  auto page = page_of(request);
  if (!page.ok()) return page.status();
  section::v1::ListHistoryResponse response;
  if (!store_) return response;
  // One more than the page holds, to know whether another page follows.
  auto changes = store_->history(request, page->after, page->size == 0 ? 0 : page->size + 1);
  if (!changes.ok()) return absl::UnavailableError("the report database cannot be read: " + std::string(changes.status().message()));
  if (page->size > 0 && changes->size() > page->size) {
    changes->resize(page->size);
    response.set_next_page_token(next_page_token(changes->back().sequence()));
  }
  for (auto& change : *changes) *response.add_changes() = std::move(change);
  return response;
}

}  // namespace section::reports
