// Takes reported figures (ReportService): checks each report against the component it changes
// with the owning plugin's own checks, stores it durably, and has the registry publish a
// version that serves it. Every stored report is laid over the plugins' figures in every
// version from then on, across restarts.
//
// With a shared store (PostgreSQL), the reports other hosts store reach this one too: the store
// says when there may be new ones (on every notice and every reconnection), and the desk fetches
// every change after the last sequence it applied and publishes a version with them, once each
// and in order (SequenceTracker). While the store cannot be reached, reports are refused with
// kUnavailable at once and what was applied is still served.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "host/config/host_config.h"
#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include "host/registry/registry.h"
#include "host/reports/candidate_bytes.h"
#include "host/reports/figures.h"
#include "host/reports/sequence_tracker.h"
#include "host/security/authorizer.h"
#include "host/store/report_store.h"
#include "section/v1/report_service.pb.h"

namespace section::reports {

class ReportDesk {
 public:
  // Opens the store of `storage` (none when no storage is configured) and reads every stored
  // report. An error for a database that cannot be read, or reached at start-up.
  static absl::StatusOr<std::unique_ptr<ReportDesk>> open(const config::StorageConfig& storage);

  // Lays the reports over `registry`'s components from its first version on. Before start().
  void attach(registry::Registry& registry);

  // Stores one report by `who` (already allowed to report for the component); a refusal's code
  // is the one the client sees (reports/figures.h).
  absl::StatusOr<section::v1::ReportValueResponse> report(const security::Principal& who,
                                                          const section::v1::ReportValueRequest& request);
  // One page of the history (history_page.h): INVALID_ARGUMENT for a bad page_size or
  // page_token, UNAVAILABLE when the store cannot be read.
  absl::StatusOr<section::v1::ListHistoryResponse> history(const section::v1::ListHistoryRequest& request) const;

  // For status and the log: where reports are kept, and whether they can be written.
  std::string describe() const;
  // Whether reports can be stored: a store is configured and writable.
  bool writable() const { return store_ && store_->writable(); }
  // Whether reports can be taken now: a writable store that can be reached (health's
  // section.v1.ReportService).
  bool taking_reports() const { return writable() && store_->reachable().ok(); }

  // With a shared store: applies the reports other hosts store from now on, and calls
  // `taking` whenever taking_reports() changes. After attach() and the registry's start.
  void follow(std::function<void(bool taking)> taking);
  // Stops following; before the registry stops.
  void stop_following();
  ~ReportDesk();

 private:
  ReportDesk() = default;
  // The answer stored earlier for the same key and report (replayed), none when the key is
  // new, or why the key cannot be used.
  absl::StatusOr<std::optional<section::v1::ReportValueResponse>> replay(const security::Principal& who,
                                                                         const section::v1::ReportValueRequest& request) const;
  // A report waiting for its batch: reports that arrive while a batch is checked and stored
  // wait together and are stored in one commit (group commit), each answered after it.
  struct Pending {
    security::Principal who;
    const section::v1::ReportValueRequest* request;
    bool lead = false;      // this report's thread runs the next batch, its own among them
    bool answered = false;  // `answer` is set
    bool repeated = false;  // a report before it in its batch held the same key: not checked
    absl::StatusOr<section::v1::ReportValueResponse> answer = absl::UnknownError("not answered");
  };
  // Queues `mine` and waits until it is answered, running the batch that holds it when it is
  // first in the queue and no batch runs.
  absl::StatusOr<section::v1::ReportValueResponse> queue_and_wait(Pending& mine);
  // Runs one batch (the first report's component), answers it, and hands the lead to the
  // report now first in the queue: no thread runs more than the batch of its own report.
  // When the last batch held several reports, first waits up to kGather for as many to queue.
  void lead_batch();
  void run_batch(const std::vector<Pending*>& batch);
  // A repeated report (Pending::repeated) takes the refusal of the report that held its key when
  // both are the same report: checked and stored alike, it would be refused alike. One whose
  // holder was stored is replayed by report(); another report under a key whose holder was
  // refused stays repeated, and is taken again on its own.
  static void settle_repeated(const std::vector<Pending*>& batch, std::vector<absl::Status>& outcomes);
  void answer(Pending& pending, absl::StatusOr<section::v1::ReportValueResponse> answer);
  // On the registry's worker: checks, stores and lays over a batch of one component.
  absl::StatusOr<std::string> accept_batch(const registry::Registry::ComponentAccess& access, const std::vector<Pending*>& batch,
                                           std::vector<section::v1::FigureChange>& changes, std::vector<absl::Status>& outcomes);
  // Checks each report with those before it; the changes that pass.
  std::vector<section::v1::FigureChange*> check_batch(const registry::Registry::ComponentAccess& access,
                                                      const std::vector<Pending*>& batch, std::vector<section::v1::FigureChange>& changes,
                                                      std::vector<absl::Status>& outcomes);
  // kAborted when the store holds changes of other hosts not applied yet (nothing stored).
  absl::StatusOr<std::string> store_batch(std::vector<section::v1::FigureChange>& changes, std::vector<absl::Status>& outcomes,
                                          const std::vector<section::v1::FigureChange*>& accepted);
  // On the worker: lays the changes of `fetched` not applied yet over the figures; the
  // version's reason, or "" when none was new.
  std::string apply_fetched(const std::vector<section::v1::FigureChange>& fetched);
  absl::Status check_one(const registry::Registry::ComponentAccess& access, section::v1::Component& candidate,
                         section::v1::FigureChange& change, const section::v1::FigureValue& proposed, const CandidateBytes* bytes,
                         bool* laid_in);
  // On the worker: the published component's parts, serialized once per stored component, for
  // a plugin that checks bytes; null for one that checks messages.
  const CandidateBytes* candidate_bytes(const registry::Registry::ComponentAccess& access);

  // Fetches what other hosts stored after the last applied sequence and applies it on the
  // registry's worker, publishing one version; on the store's follower thread. Nothing when
  // every sequence `noticed` is applied already (this host's own reports).
  void catch_up(const std::vector<std::uint64_t>& noticed);

  std::unique_ptr<store::ReportStore> store_;
  mutable std::mutex tracker_mutex_;  // held briefly: tracker_ is read by the follower
  SequenceTracker tracker_;
  // Appends to a shared store begun and ended (under tracker_mutex_): catch_up waits for those
  // under way when a notice comes, which may be of their own commit.
  std::uint64_t appends_started_ = 0;
  std::uint64_t appends_finished_ = 0;
  std::condition_variable appends_finished_changed_;
  registry::Registry* registry_ = nullptr;
  std::mutex queue_mutex_;       // queue_, leading_ and the Pendings' lead, answered, answer
  std::condition_variable queue_changed_;
  std::deque<Pending*> queue_;   // reports waiting for the next batch
  bool leading_ = false;         // a thread is running a batch, or has been handed the lead
  std::condition_variable queue_grew_;  // for a leader gathering its batch
  std::size_t last_batch_ = 0;          // how many reports the last batch took
  std::shared_ptr<const ReportedFigures> figures_;  // replaced whole, read with atomic_load
  // By component id, on the worker only: the stored component they were made from, and its parts.
  std::map<std::string, std::pair<query::StoredPtr, std::unique_ptr<const CandidateBytes>>> candidate_bytes_;
};

}  // namespace section::reports
