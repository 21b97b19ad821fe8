#include "host/app/grpc_log.h"

#include <string>

#include <grpc/support/log.h>

#include "host/core/log.h"

namespace section::app {
namespace {

log::Level level_of(gpr_log_severity severity) {
  switch (severity) {
    case GPR_LOG_SEVERITY_DEBUG: return log::Level::kDebug;
    case GPR_LOG_SEVERITY_INFO: return log::Level::kInfo;
    default: return log::Level::kError;
  }
}

void handle(gpr_log_func_args* args) {
  std::string where = args->file != nullptr ? args->file : "";
  if (const auto slash = where.rfind('/'); slash != std::string::npos) where.erase(0, slash + 1);
  log::write(level_of(args->severity), "grpc",
             where + ":" + std::to_string(args->line) + ": " + (args->message != nullptr ? args->message : ""));
}

}  // namespace

void route_grpc_log() { gpr_set_log_function(&handle); }

}  // namespace section::app
