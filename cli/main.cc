// section-ctl: the command-line client of section-host.

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "host/security/tls.h"

namespace {

constexpr const char* kUsage =
    "usage: section-ctl [--host ADDR] [--timeout SECONDS] [ACCESS] COMMAND [ARGS]\n"
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
    "  report COMPONENT (--measure ID | --deliverable ID) --year Y [--kind actual|planned]\n"
    "         (--value N | --text TEXT) [--comment TEXT] [--idempotency-key KEY] [--format text|json]\n"
    "                                    records a figure (a reporter's token): a measure's number and/or\n"
    "                                    text, or a deliverable's count (--value). Without a key a new one\n"
    "                                    is made and printed; retry with the same key to store it once\n"
    "  history [COMPONENT] [--measure ID | --deliverable ID] [--year Y] [--kind actual|planned]\n"
    "          [--format text|json]      every stored change of reported figures: who, when, old -> new\n"
    "  token new --name NAME --role reader|reporter|admin [--components ID,ID...]\n"
    "                                    makes a bearer token: prints it once, and the entry (with only\n"
    "                                    its hash) to paste under auth: tokens: in the host's\n"
    "                                    configuration. A reporter needs --components, its scope.\n"
    "                                    Does not contact the host\n"
    "\n"
    "ACCESS (docs/security.md):\n"
    "  --token TOKEN                     send 'authorization: Bearer TOKEN' with every call\n"
    "  --token-file FILE                 the same, with the token on the first line of FILE (keeps it\n"
    "                                    out of ps and the shell history)\n"
    "  --tls                             speak TLS, checking the host's certificate against the system's CAs\n"
    "  --ca FILE                         speak TLS, checking the host's certificate against the CAs in\n"
    "                                    FILE (PEM) instead\n"
    "  --cert FILE --key FILE            speak TLS and present this client certificate and key (PEM),\n"
    "                                    for a host that asks for client certificates (mTLS)\n"
    "  --server-name NAME                expect the host's certificate to be for NAME rather than for\n"
    "                                    the host part of ADDR\n"
    "\n"
    "ADDR defaults to $SECTION_HOST, else 127.0.0.1:50051. Without --token or --token-file the\n"
    "token is $SECTION_TOKEN, if set. Exit status: 0 success, 1 the host refused or could not be\n"
    "reached or the export could not be written, 2 a usage error or a file that cannot be read.\n";

[[noreturn]] void usage_error(const std::string& message) {
  std::cerr << "section-ctl: " << message << "\n\n" << kUsage;
  std::exit(2);
}

// A file named on the command line that cannot be used: exit 2, naming the file and the reason.
[[noreturn]] void file_error(const std::string& message) {
  std::cerr << "section-ctl: " << message << "\n";
  std::exit(2);
}

// The whole of `path`, given as `option`; exits 2 with the system's reason when it cannot be read.
std::string read_file(const std::string& option, const std::string& path) {
  auto text = section::security::read_file(path, option);
  if (!text.ok()) file_error(std::string(text.status().message()));
  return std::move(*text);
}

// A token as it goes into the metadata: visible ASCII, no spaces.
void check_token(const std::string& token, const std::string& from) {
  if (token.empty()) file_error(from + " holds no token");
  for (const unsigned char c : token) {
    if (c < 0x21 || c > 0x7e) file_error(from + ": a token is one word of visible ASCII characters");
  }
}

// The first line of a token file, without surrounding blanks.
std::string token_from_file(const std::string& path) {
  const std::string text = read_file("--token-file", path);
  std::string line = text.substr(0, text.find('\n'));
  const auto first = line.find_first_not_of(" \t\r");
  const auto last = line.find_last_not_of(" \t\r");
  line = first == std::string::npos ? "" : line.substr(first, last - first + 1);
  check_token(line, "--token-file " + path + ": the first line");
  return line;
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
  std::string token, token_file, ca_file, cert_file, key_file, server_name;
  bool tls = false;
  std::string token_name, token_role, token_components;
  section::cli::ReportArgs report_args;
  bool has_kind = false;
  bool has_components = false;
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
    } else if (arg == "--token") {
      token = value();
      check_token(token, "--token");
    } else if (arg == "--token-file") {
      token_file = value();
    } else if (arg == "--tls") {
      tls = true;
    } else if (arg == "--ca") {
      ca_file = value();
    } else if (arg == "--cert") {
      cert_file = value();
    } else if (arg == "--key") {
      key_file = value();
    } else if (arg == "--server-name") {
      server_name = value();
      if (server_name.empty()) usage_error("--server-name needs a name");
    } else if (arg == "--measure") {
      report_args.measure = value();
    } else if (arg == "--deliverable") {
      report_args.deliverable = value();
    } else if (arg == "--kind") {
      report_args.kind = value();
      has_kind = true;
    } else if (arg == "--value") {
      report_args.value = value();
    } else if (arg == "--text") {
      report_args.text = value();
    } else if (arg == "--comment") {
      report_args.comment = value();
    } else if (arg == "--idempotency-key") {
      report_args.idempotency_key = value();
    } else if (arg == "--name") {
      token_name = value();
    } else if (arg == "--role") {
      token_role = value();
    } else if (arg == "--components") {
      token_components = value();
      has_components = true;
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
  const std::size_t max_words =
      command == "table" || command == "measures" || command == "deliverables" || command == "token" || command == "report" ||
              command == "history"
          ? 2
          : 1;
  if (words.size() > max_words) usage_error("too many arguments for '" + command + "'");

  const bool figures = command == "report" || command == "history";
  if (!figures && (!report_args.measure.empty() || !report_args.deliverable.empty() || has_kind)) {
    usage_error("--measure, --deliverable and --kind are only for report and history");
  }
  if (command != "report" && (!report_args.value.empty() || !report_args.text.empty() || !report_args.comment.empty() ||
                              !report_args.idempotency_key.empty())) {
    usage_error("--value, --text, --comment and --idempotency-key are only for report");
  }
  const bool making_token = command == "token";
  if (!making_token && (!token_name.empty() || !token_role.empty() || has_components)) {
    usage_error("--name, --role and --components are only for token new");
  }
  if (making_token) {
    if (argument != "new") usage_error("token needs a subcommand: token new --name NAME --role ROLE");
    return section::cli::new_token(token_name, token_role, token_components, has_components, std::cout, std::cerr);
  }

  // Access: the token, and TLS with the CAs and client certificate asked for.
  if (!token.empty() && !token_file.empty()) usage_error("give either --token or --token-file, not both");
  if (!token_file.empty()) {
    token = token_from_file(token_file);
  } else if (token.empty() && std::getenv("SECTION_TOKEN") != nullptr && *std::getenv("SECTION_TOKEN") != '\0') {
    token = std::getenv("SECTION_TOKEN");
    check_token(token, "$SECTION_TOKEN");
  }
  if (cert_file.empty() != key_file.empty()) usage_error("--cert and --key go together: a client certificate and its key");
  tls = tls || !ca_file.empty() || !cert_file.empty();
  if (!server_name.empty() && !tls) usage_error("--server-name applies to TLS (--tls, --ca or --cert)");
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (tls) {
    grpc::SslCredentialsOptions ssl;  // no roots given: the system's
    if (!ca_file.empty()) ssl.pem_root_certs = read_file("--ca", ca_file);
    if (!cert_file.empty()) {
      ssl.pem_cert_chain = read_file("--cert", cert_file);
      ssl.pem_private_key = read_file("--key", key_file);
    }
    credentials = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments channel_arguments;
  if (!server_name.empty()) channel_arguments.SetSslTargetNameOverride(server_name);

  section::cli::Client client;
  client.channel = grpc::CreateCustomChannel(host, credentials, channel_arguments);
  client.deadline = std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000));
  client.token = token;

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
  if (command == "report") {
    report_args.component = argument;
    report_args.year = year;
    const int status = section::cli::report(client, report_args, json, std::cout, std::cerr);
    if (status == 2) usage_error("see the usage of report below");
    return status;
  }
  if (command == "history") {
    section::cli::HistoryArgs args{argument, report_args.measure, report_args.deliverable, year, has_kind ? report_args.kind : ""};
    const int status = section::cli::history(client, args, json, std::cout, std::cerr);
    if (status == 2) usage_error("see the usage of history below");
    return status;
  }
  usage_error("unknown command '" + command + "'");
}
