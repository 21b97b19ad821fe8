// gRPC's own log lines (gpr_log: a bind that fails, a bad HTTP/2 frame) through the host's log,
// so that with --log-format json standard error holds nothing but JSON lines. In text format
// gRPC keeps writing its own lines, as it always has.
#pragma once

namespace section::app {

// Routes gpr_log through section::log as component "grpc". Call before gRPC starts.
void route_grpc_log();

}  // namespace section::app
