// The current time as a protobuf Timestamp, to the nanosecond. Debian's protobuf 3.21
// TimeUtil::GetCurrentTime() returns whole seconds only, which made versions published within
// one second look simultaneous.
#pragma once

#include <chrono>

#include <google/protobuf/timestamp.pb.h>

namespace section {

inline google::protobuf::Timestamp now_timestamp() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds.count());
  timestamp.set_nanos(static_cast<int>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count()));
  return timestamp;
}

}  // namespace section
