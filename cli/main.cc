// section-ctl: the command-line client of section-host.
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

constexpr const char* kUsage =
    "usage: section-ctl [--host ADDR] [--timeout SECONDS] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  overview                          the section at a glance: totals, components, reconciliation\n"
    "  tables                            the ids and titles of every table\n"
    "  table ID [--format F]             one table; F is text (default), json, csv or md\n"
    "  measures [COMPONENT] [--year Y] [--format text|json]\n"
    "                                    performance measures, all or one component's\n"
    "  deliverables [COMPONENT] [--year Y] [--format text|json]\n"
    "                                    deliverables; COMPONENT 'section' for the cross-cutting ones\n"
    "  status [--format text|json]       the host and every plugin: serving, disabled or failed\n"
    "  watch [--count N] [--format text|json]\n"
    "                                    the current version, then each new one as it is published\n"
    "  wait [--timeout SECONDS]          wait until the host reports SERVING (health check)\n"
    "  reload                            reload the host's configuration file (as SIGHUP does)\n"
    "  export --format csv|md|json|html [--output PATH]\n"
    "                                    the whole section from one version: every table, measure and\n"
    "                                    deliverable. md, json and html (one self-contained page with\n"
    "                                    charts) go to standard output, or to the file PATH. csv needs\n"
    "                                    --output DIR: index.csv, measures.csv, deliverables.csv and\n"
    "                                    tables/<id>.csv (\"/\" in an id as \".\"); DIR is created, or\n"
    "                                    must be empty or hold an earlier export, which is replaced\n"
    "\n"
    "ADDR defaults to $SECTION_HOST, else 127.0.0.1:50051. Exit status: 0 success, 1 the host\n"
    "refused or could not be reached or the export could not be written, 2 a usage error.\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "section-ctl: " << message << "\n\n" << kUsage;
  std::exit(2);
}

int to_int(const std::string& text, const char* what) {
  try {
    std::size_t used = 0;
    const int value = std::stoi(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  usage_error(std::string(what) + " must be a whole number, not '" + text + "'");
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = std::getenv("SECTION_HOST") != nullptr ? std::getenv("SECTION_HOST") : "127.0.0.1:50051";
  double timeout_seconds = 10;
  std::string format_word;
  std::string output;
  int year = 0;
  int count = 0;
  std::vector<std::string> words;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--host") {
      host = value();
    } else if (arg == "--timeout") {
      timeout_seconds = to_int(value(), "--timeout");
      if (timeout_seconds <= 0) usage_error("--timeout must be positive");
    } else if (arg == "--format") {
      format_word = value();
    } else if (arg == "--output") {
      output = value();
      if (output.empty()) usage_error("--output needs a path");
    } else if (arg == "--year") {
      year = to_int(value(), "--year");
    } else if (arg == "--count") {
      count = to_int(value(), "--count");
    } else if (!arg.empty() && arg[0] == '-') {
      usage_error("unknown option '" + arg + "'");
    } else {
      words.push_back(arg);
    }
  }
  if (words.empty()) usage_error("no command");
  const std::string& command = words[0];
  if (!output.empty() && command != "export") usage_error("--output is only for export");
  section::cli::Format format = section::cli::Format::kText;
  section::cli::ExportFormat export_format = section::cli::ExportFormat::kHtml;
  if (command == "export") {
    if (format_word.empty()) usage_error(std::string("export needs --format: ") + section::cli::kExportFormats);
    if (!section::cli::parse_export_format(format_word, &export_format)) {
      usage_error("unknown export format '" + format_word + "': choose " + section::cli::kExportFormats);
    }
    if (export_format == section::cli::ExportFormat::kCsv && output.empty()) {
      usage_error("export --format csv writes one file per table: it needs --output DIR");
    }
  } else if (!format_word.empty() && !section::cli::parse_format(format_word, &format)) {
    usage_error("unknown format '" + format_word + "'");
  }
  const bool json = format == section::cli::Format::kJson;
  const std::string argument = words.size() > 1 ? words[1] : "";
  const std::size_t max_words = command == "table" || command == "measures" || command == "deliverables" ? 2 : 1;
  if (words.size() > max_words) usage_error("too many arguments for '" + command + "'");

  section::cli::Client client;
  client.channel = grpc::CreateChannel(host, grpc::InsecureChannelCredentials());
  client.deadline = std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));

  if (command == "overview") return section::cli::overview(client, std::cout);
  if (command == "tables") return section::cli::list_tables(client, std::cout);
  if (command == "table") {
    if (argument.empty()) usage_error("table needs an id (section-ctl tables lists them)");
    return section::cli::show_table(client, argument, format, std::cout);
  }
  if (command == "measures") return section::cli::list_measures(client, argument, year, json, std::cout);
  if (command == "deliverables") return section::cli::list_deliverables(client, argument, year, json, std::cout);
  if (command == "status") return section::cli::show_status(client, json, std::cout);
  if (command == "watch") return section::cli::watch(client, count, json, std::cout);
  if (command == "export") return section::cli::export_section(client, export_format, output, std::cout);
  if (command == "wait") return section::cli::wait_until_serving(client, client.deadline, std::cout);
  if (command == "reload") return section::cli::reload(client, std::cout);
  usage_error("unknown command '" + command + "'");
}
