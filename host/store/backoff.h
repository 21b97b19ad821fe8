// How long to wait before the next attempt to reach a store that went away: doubling from
// `initial` up to `max`, back to `initial` after a success. Pure: the caller sleeps.
#pragma once

#include <chrono>

namespace section::store {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max) : initial_(initial), max_(max), next_(initial) {}
  // The delay before the next attempt; each call doubles the one after, up to max.
  std::chrono::milliseconds next();
  // After a success: the next failure waits `initial` again.
  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  std::chrono::milliseconds next_;
};

}  // namespace section::store
