// How long to wait before the next attempt to reach a store that went away: a random part of a
// ceiling that doubles from `initial` up to `max` (full jitter, so that hosts that lost the
// server together do not all come back at the same moment), back to `initial` once a
// connection has lasted `stable` (one that breaks at once is not retried at the initial pace
// for ever). Pure: the caller draws the random fraction and sleeps.
#pragma once

#include <chrono>

namespace section::store {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
          std::chrono::milliseconds stable = std::chrono::seconds(10))
      : initial_(initial), max_(max), stable_(stable), ceiling_(initial) {}
  // The delay before the next attempt: `fraction` (drawn uniformly from [0, 1)) of the current
  // ceiling, at least 10 ms; each call doubles the ceiling, up to max.
  std::chrono::milliseconds next(double fraction);
  // A connection was made and lasted `lived`: when that is at least `stable`, the ceiling goes
  // back to `initial`.
  void connected_for(std::chrono::milliseconds lived);
  std::chrono::milliseconds ceiling() const { return ceiling_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds stable_;
  std::chrono::milliseconds ceiling_;
};

}  // namespace section::store
