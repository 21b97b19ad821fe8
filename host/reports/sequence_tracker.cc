#include "host/reports/sequence_tracker.h"

namespace section::reports {

void SequenceTracker::applied_here(std::uint64_t sequence) {
  if (sequence > last_) above_.insert(sequence);
}

std::vector<section::v1::FigureChange> SequenceTracker::take_new(const std::vector<section::v1::FigureChange>& fetched) {
  std::vector<section::v1::FigureChange> fresh;
  std::uint64_t highest = last_;
  for (const auto& change : fetched) {
    const std::uint64_t sequence = change.sequence();
    if (sequence <= highest) continue;  // applied before, or repeated in this batch
    highest = sequence;
    if (above_.count(sequence) == 0) fresh.push_back(change);
  }
  last_ = highest;
  above_.erase(above_.begin(), above_.upper_bound(last_));
  return fresh;
}

}  // namespace section::reports
