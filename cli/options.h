// section-ctl's command line. CLI11 parses it from one set of definitions, a subcommand for each
// command, and the same definitions give `--help` (global and per command).
#pragma once

#include <string>

#include "cli/commands.h"
#include "cli/section_export.h"
#include "cli/table_format.h"

namespace section::cli {

enum class Command {
  kOverview, kTables, kTable, kMeasures, kDeliverables, kStatus, kWatch, kWait, kReload, kExport, kReport, kHistory,
  kTokenNew
};

// How to reach the host: the global options.
struct Access {
  std::string host;         // --host, else $SECTION_HOST, else 127.0.0.1:50051
  int timeout_seconds = 10;  // --timeout (also `wait --timeout`)
  std::string token;        // --token; checked to be one word of visible ASCII
  std::string token_file;   // --token-file
  bool tls = false;         // --tls, or implied by --ca and --cert
  std::string ca_file;
  std::string cert_file;    // given with key_file or not at all
  std::string key_file;
  std::string server_name;  // only with TLS
  std::string language;     // --lang: a BCP 47 tag (or an accept-language list) sent as accept-language
};

struct TokenArgs {
  std::string name;
  std::string role;
  std::string components;       // comma-separated
  bool has_components = false;  // --components given at all
};

struct Options {
  Command command = Command::kOverview;
  Access access;
  std::string argument;  // table's ID; the COMPONENT of measures, deliverables, report and history
  Format format = Format::kText;
  ExportFormat export_format = ExportFormat::kHtml;
  std::string output;  // export --output
  int year = 0;        // --year; 0: every year
  int count = 0;       // watch --count; 0: until the stream ends
  ReportArgs report;   // report, and the filters of history (measure, deliverable, kind)
  bool has_kind = false;
  TokenArgs token;
  std::string usage;  // the help of the command given, for a usage error found after parsing
};

// Parses the arguments. `--help` (after the command: that command's) prints to standard output
// and exits 0; a usage error prints "section-ctl: " and the error, then the help of the command
// it concerns, to standard error and exits 2.
Options parse_options(int argc, char** argv);

// A usage error found after parsing: the message and `options.usage` on standard error, exit 2.
[[noreturn]] void usage_error(const Options& options, const std::string& message);

}  // namespace section::cli
