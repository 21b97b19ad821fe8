// `section-host --check`: what the host found in a configuration, its section file, plugins and
// their data, without opening a port (like `nginx -t`). Pure: formats the published view.
#pragma once

#include <string>

#include "host/query/published_view.h"
#include "host/config/host_config.h"

namespace section::app {

struct CheckOutcome {
  std::string report;  // for standard output, one finding per line
  int exit_code = 0;   // 0 every enabled plugin serves; 1 a plugin failed and would be left out
};

CheckOutcome check_report(const config::HostConfig& config, const query::PublishedView& view);

}  // namespace section::app
