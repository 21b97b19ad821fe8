#include "host/store/backoff.h"

#include <algorithm>

namespace section::store {

std::chrono::milliseconds Backoff::next(double fraction) {
  const double part = std::clamp(fraction, 0.0, 1.0) * static_cast<double>(ceiling_.count());
  ceiling_ = std::min(max_, ceiling_ * 2);
  return std::max(std::chrono::milliseconds(10), std::chrono::milliseconds(static_cast<std::int64_t>(part)));
}

void Backoff::connected_for(std::chrono::milliseconds lived) {
  if (lived >= stable_) ceiling_ = initial_;
}

}  // namespace section::store
