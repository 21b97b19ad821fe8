// libprotobuf's own log lines (a request with text that is not UTF-8, for one) go through the
// host's log, formatted like every other line and rate-limited: a client could otherwise write
// one unformatted line into the log per request.
#pragma once

namespace section::log {

// At most kProtobufBurst lines per kProtobufWindowSeconds; the next line after a quiet spell
// says how many were left out.
inline constexpr int kProtobufBurst = 5;
inline constexpr int kProtobufWindowSeconds = 60;

// Installs the handler; call once, early in main().
void route_protobuf_log();

}  // namespace section::log
