// section-host's command line. CLI11 parses it from one set of definitions, and the same
// definitions give `--help`.
#pragma once

#include <string>

#include "host/core/log.h"

namespace section::app {

struct Options {
  std::string config;  // --config FILE
  std::string listen;  // --listen ADDR; empty: the configuration's
  bool check = false;  // --check
  log::Level log_level = log::Level::kInfo;     // --log-level
  log::Format log_format = log::Format::kText;  // --log-format
};

// Parses the arguments. `--help` and `--version` print to standard output and exit 0; a usage
// error prints the error and the usage to standard error and exits 2.
Options parse_options(int argc, char** argv);

}  // namespace section::app
