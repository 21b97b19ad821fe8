#include "host/store/backoff.h"

#include <algorithm>

namespace section::store {

std::chrono::milliseconds Backoff::next() {
  const std::chrono::milliseconds delay = next_;
  next_ = std::min(max_, next_ * 2);
  return delay;
}

}  // namespace section::store
