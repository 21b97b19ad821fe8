// section-ctl: the command-line client of section-host. The command line is cli/options; here
// the access options become a channel, and the command runs.

#include <cstdlib>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "host/security/tls.h"

namespace {

using section::cli::Command;
using section::cli::Options;

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

// --token, else the token file's, else $SECTION_TOKEN when set and not empty, else none.
std::string token(const section::cli::Access& access) {
  if (!access.token_file.empty()) return token_from_file(access.token_file);
  if (!access.token.empty()) return access.token;
  const char* from_environment = std::getenv("SECTION_TOKEN");
  if (from_environment == nullptr || *from_environment == '\0') return "";
  check_token(from_environment, "$SECTION_TOKEN");
  return from_environment;
}

// Plaintext, or TLS with the CAs and client certificate asked for.
std::shared_ptr<grpc::ChannelCredentials> credentials(const section::cli::Access& access) {
  if (!access.tls && access.ca_file.empty() && access.cert_file.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;  // no roots given: the system's
  if (!access.ca_file.empty()) ssl.pem_root_certs = read_file("--ca", access.ca_file);
  if (!access.cert_file.empty()) {
    ssl.pem_cert_chain = read_file("--cert", access.cert_file);
    ssl.pem_private_key = read_file("--key", access.key_file);
  }
  return grpc::SslCredentials(ssl);
}

section::cli::Client connect(const section::cli::Access& access) {
  grpc::ChannelArguments channel_arguments;
  if (!access.server_name.empty()) channel_arguments.SetSslTargetNameOverride(access.server_name);
  section::cli::Client client;
  client.channel = grpc::CreateCustomChannel(access.host, credentials(access), channel_arguments);
  client.deadline = std::chrono::seconds(access.timeout_seconds);
  client.token = token(access);
  client.language = access.language;
  return client;
}

// report and history check their arguments further: 2 comes back with the reason printed.
int figures(const section::cli::Client& client, const Options& options, bool json) {
  const section::cli::ReportArgs& given = options.report;
  int status = 0;
  if (options.command == Command::kReport) {
    section::cli::ReportArgs args = given;
    args.component = options.argument;
    args.year = options.year;
    status = section::cli::report(client, args, json, std::cout, std::cerr);
  } else {
    const section::cli::HistoryArgs args{options.argument, given.measure, given.deliverable, options.year,
                                         options.has_kind ? given.kind : ""};
    status = section::cli::history(client, args, json, std::cout, std::cerr);
  }
  if (status == 2) section::cli::usage_error(options, "see its usage below");
  return status;
}

int run(const section::cli::Client& client, const Options& options) {
  namespace cli = section::cli;
  const bool json = options.format == cli::Format::kJson;
  const std::string& argument = options.argument;
  switch (options.command) {
    case Command::kOverview: return cli::overview(client, std::cout);
    case Command::kTables: return cli::list_tables(client, std::cout);
    case Command::kTable: return cli::show_table(client, argument, options.format, std::cout);
    case Command::kMeasures: return cli::list_measures(client, argument, options.year, json, std::cout);
    case Command::kDeliverables: return cli::list_deliverables(client, argument, options.year, json, std::cout);
    case Command::kStatus: return cli::show_status(client, json, std::cout);
    case Command::kWatch: return cli::watch(client, options.count, json, std::cout);
    case Command::kWait: return cli::wait_until_serving(client, client.deadline, std::cout);
    case Command::kReload: return cli::reload(client, std::cout);
    case Command::kExport: return cli::export_section(client, options.export_format, options.output, std::cout);
    case Command::kReport:
    case Command::kHistory: return figures(client, options, json);
    case Command::kTokenNew: break;
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = section::cli::parse_options(argc, argv);
  if (options.command == Command::kTokenNew) {
    const auto& token = options.token;
    return section::cli::new_token(token.name, token.role, token.components, token.has_components, std::cout, std::cerr);
  }
  return run(connect(options.access), options);
}
