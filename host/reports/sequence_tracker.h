// Which stored changes a host has applied, by sequence (host/store/report_store.h), so that the
// changes other hosts store are applied once each and in order: pure bookkeeping, no I/O.
//
// A host applies its own reports as it stores them, possibly above changes of other hosts it
// has not seen yet; fetching everything after last() then brings those, and its own come back
// too, to be skipped. Changes commit in sequence order (the store's append lock), so once the
// store has shown sequence N, nothing below N can appear later: last() moves up to N.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "section/v1/report_service.pb.h"

namespace section::reports {

class SequenceTracker {
 public:
  // Starts after every change up to `last`, already applied.
  explicit SequenceTracker(std::uint64_t last = 0) : last_(last) {}

  // Every change at or below it has been applied.
  std::uint64_t last() const { return last_; }
  // This host applied `sequence` itself, maybe above changes it has not fetched yet.
  void applied_here(std::uint64_t sequence);
  // Whether `sequence` is applied already: a notice of it needs no fetch.
  bool applied(std::uint64_t sequence) const { return sequence <= last_ || above_.count(sequence) != 0; }
  // From `fetched` (every change after some earlier last(), in sequence order): those not
  // applied yet, in order. Marks them applied and moves last() to the highest sequence seen.
  std::vector<section::v1::FigureChange> take_new(const std::vector<section::v1::FigureChange>& fetched);

 private:
  std::uint64_t last_;
  std::set<std::uint64_t> above_;  // applied here, above last_
};

}  // namespace section::reports
