#include "cli/options.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <iostream>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "host/query/language.h"

namespace section::cli {
namespace {

// A word among `words` or `aliases`; anything else is refused with "unknown WHAT 'x': choose a,
// b or c". The option's type name lists the words, so the validator adds nothing to the help.
CLI::Validator choice(const std::string& what, const std::vector<std::string>& words,
                      const std::vector<std::string>& aliases = {}) {
  std::string listed;
  for (std::size_t i = 0; i < words.size(); ++i) listed += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
  return CLI::Validator(
      [=](std::string& value) -> std::string {
        const auto known = [&](const std::vector<std::string>& list) {
          return std::find(list.begin(), list.end(), value) != list.end();
        };
        return known(words) || known(aliases) ? "" : "unknown " + what + " '" + value + "': choose " + listed;
      },
      "");
}

std::string choices(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : "|") + word;
  return out;
}

const std::vector<std::string> kTableFormats = {"text", "json", "csv", "md"};
const std::vector<std::string> kTextOrJson = {"text", "json"};
const std::vector<std::string> kExportFormatWords = {"csv", "md", "json", "html"};
const std::vector<std::string> kKinds = {"actual", "planned"};
const std::vector<std::string> kRoles = {"reader", "reporter", "admin"};

// A whole number of at least `least`; the option converts it afterwards.
CLI::Validator at_least(int least) {
  return CLI::Validator(
      [least](std::string& value) -> std::string {
        int number = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error != std::errc() || end != value.data() + value.size()) return "must be a whole number, not '" + value + "'";
        return number >= least ? "" : "must be at least " + std::to_string(least) + ", not " + value;
      },
      "");
}
const CLI::Validator kPositive = at_least(1);
const CLI::Validator kNotNegative = at_least(0);
const CLI::Validator kNotEmpty([](std::string& value) -> std::string { return value.empty() ? "needs a value" : ""; }, "");

// A token as it goes into the metadata: visible ASCII, no spaces.
const CLI::Validator kTokenWord(
    [](std::string& value) -> std::string {
      if (value.empty()) return "holds no token";
      for (const unsigned char c : value) {
        if (c < 0x21 || c > 0x7e) return "a token is one word of visible ASCII characters";
      }
      return "";
    },
    "");

constexpr const char* kAccess = "Access (docs/security.md)";

// --lang: "zh", or a whole accept-language list such as "zh-CN, en;q=0.5".
const CLI::Validator kLanguage(
    [](std::string& value) -> std::string {
      auto parsed = query::parse_accept_language(value);
      return parsed.ok() ? "" : std::string(parsed.status().message());
    },
    "");

void add_access(CLI::App& app, Access& access) {
  access.host = "127.0.0.1:50051";
  app.add_option("--lang", access.language,
                 "answers in this language (a BCP 47 tag such as zh, or a list such as\n"
                 "'zh, en;q=0.5'), sent as accept-language; the host falls back to English")
      ->type_name("TAG")
      ->check(kLanguage);
  app.add_option("--host", access.host, "the host's address")->type_name("ADDR")->envname("SECTION_HOST")->capture_default_str();
  app.add_option("--timeout", access.timeout_seconds, "the deadline of each call (and how long wait waits)")
      ->type_name("SECONDS")
      ->check(kPositive)
      ->capture_default_str();
  auto* token = app.add_option("--token", access.token,
                               "send 'authorization: Bearer TOKEN' with every call. Without --token or\n"
                               "--token-file the token is $SECTION_TOKEN, if set")
                    ->type_name("TOKEN")
                    ->check(kTokenWord)
                    ->group(kAccess);
  app.add_option("--token-file", access.token_file,
                 "the same, with the token on the first line of FILE (keeps it out of ps and\nthe shell history)")
      ->type_name("FILE")
      ->excludes(token)
      ->group(kAccess);
  app.add_flag("--tls", access.tls, "speak TLS, checking the host's certificate against the system's CAs")->group(kAccess);
  app.add_option("--ca", access.ca_file, "speak TLS, checking the host's certificate against the CAs in FILE (PEM)\ninstead")
      ->type_name("FILE")
      ->group(kAccess);
  auto* cert = app.add_option("--cert", access.cert_file,
                              "speak TLS and present this client certificate (PEM), for a host that asks\n"
                              "for client certificates (mTLS)")
                   ->type_name("FILE")
                   ->group(kAccess);
  auto* key = app.add_option("--key", access.key_file, "the client certificate's private key (PEM)")
                  ->type_name("FILE")
                  ->needs(cert)
                  ->group(kAccess);
  cert->needs(key);
  app.add_option("--server-name", access.server_name,
                 "expect the host's certificate to be for NAME rather than for the host part of\n"
                 "ADDR (with --tls, --ca or --cert)")
      ->type_name("NAME")
      ->check(kNotEmpty)
      ->group(kAccess);
}

// --format: every command but export takes text or json; `table` also csv and md (or markdown).
void add_format(CLI::App& command, std::string& word, const std::vector<std::string>& words) {
  const bool markdown = std::find(words.begin(), words.end(), "md") != words.end();
  command.add_option("--format", word, "how to print it")
      ->type_name(choices(words))
      ->check(choice("format", words, markdown ? std::vector<std::string>{"markdown"} : std::vector<std::string>{}))
      ->default_str("text");
}

void add_year(CLI::App& command, int& year, const std::string& description) {
  command.add_option("--year", year, description)->type_name("YEAR")->check(kPositive);
}

constexpr const char* kCommandFooter =
    "The global options (--host ADDR, --timeout SECONDS, --lang TAG, --token, --token-file, --tls, --ca,\n"
    "--cert, --key, --server-name) go before or after the command: section-ctl --help describes them.";

// The subcommands and the command each one names. "token new" is the `new` under `token`.
struct Commands {
  std::vector<std::pair<CLI::App*, Command>> list;
  std::string format_word;

  CLI::App* add(CLI::App& app, const std::string& name, const std::string& description, Command command) {
    CLI::App* sub = app.add_subcommand(name, description);
    sub->footer(kCommandFooter);
    list.emplace_back(sub, command);
    return sub;
  }
};

void add_reading_commands(CLI::App& app, Commands& commands, Options& options) {
  commands.add(app, "overview", "the section at a glance: totals, components, reconciliation", Command::kOverview);
  commands.add(app, "tables", "the ids and titles of every table", Command::kTables);
  auto* table = commands.add(app, "table", "one table, laid out like the fascicle or for programs", Command::kTable);
  table->add_option("ID", options.argument, "the table's id (section-ctl tables lists them)")->type_name("")->required();
  add_format(*table, commands.format_word, kTableFormats);
  auto* measures = commands.add(app, "measures", "performance measures, all or one component's", Command::kMeasures);
  measures->add_option("COMPONENT", options.argument, "only this component's")->type_name("");
  add_year(*measures, options.year, "only this year's figures");
  add_format(*measures, commands.format_word, kTextOrJson);
  auto* deliverables = commands.add(app, "deliverables", "deliverables, all or one component's", Command::kDeliverables);
  deliverables->add_option("COMPONENT", options.argument, "only this component's; 'section' for the cross-cutting ones")
      ->type_name("");
  add_year(*deliverables, options.year, "only this year's counts");
  add_format(*deliverables, commands.format_word, kTextOrJson);
}

void add_host_commands(CLI::App& app, Commands& commands, Options& options) {
  auto* status = commands.add(app, "status", "the host and every plugin: serving, disabled or failed", Command::kStatus);
  add_format(*status, commands.format_word, kTextOrJson);
  auto* watch = commands.add(app, "watch", "the current version, then each new one as it is published", Command::kWatch);
  watch->add_option("--count", options.count, "stop after N versions (0: when the stream ends or is interrupted)")
      ->type_name("N")
      ->check(kNotNegative);
  add_format(*watch, commands.format_word, kTextOrJson);
  auto* wait = commands.add(app, "wait", "wait until the host reports SERVING (health check)", Command::kWait);
  wait->add_option("--timeout", options.access.timeout_seconds, "how long to wait (the same as the global --timeout)")
      ->type_name("SECONDS")
      ->check(kPositive)
      ->capture_default_str();
  commands.add(app, "reload", "reload the host's configuration file (as SIGHUP does); needs an admin token",
               Command::kReload);
}

void add_export(CLI::App& app, Commands& commands, Options& options) {
  auto* sub = commands.add(app, "export",
                           "the whole section from one version: every table, measure and deliverable. md,\n"
                           "json and html (one self-contained page with charts) go to standard output, or\n"
                           "to the file PATH. csv needs --output DIR: index.csv, measures.csv,\n"
                           "deliverables.csv and tables/<id>.csv (\"/\" in an id as \".\"); DIR is created,\n"
                           "or must be empty or hold an earlier export, which is replaced",
                           Command::kExport);
  sub->add_option("--format", commands.format_word, "what to write")
      ->type_name(choices(kExportFormatWords))
      ->check(choice("export format", kExportFormatWords))
      ->required();
  sub->add_option("--output", options.output, "the file to write (for csv, the directory)")->type_name("PATH")->check(kNotEmpty);
}

// --measure or --deliverable: at least `least` of them, and never both.
void add_figure(CLI::App& command, ReportArgs& args, std::size_t least) {
  auto* figure = command.add_option_group("figure", "a measure or a deliverable");
  figure->add_option("--measure", args.measure, "a performance measure's id")->type_name("ID");
  figure->add_option("--deliverable", args.deliverable, "a deliverable's id")->type_name("ID");
  figure->require_option(least, 1);
}

void add_report(CLI::App& app, Commands& commands, Options& options) {
  auto* sub = commands.add(app, "report",
                           "records a figure (a reporter's token): a measure's number and/or text, or a\n"
                           "deliverable's count (--value). Without --idempotency-key a new key is made and\n"
                           "printed; retry with the same key to store the figure once",
                           Command::kReport);
  ReportArgs& args = options.report;
  sub->add_option("COMPONENT", options.argument, "the component the figure belongs to")->type_name("")->required();
  add_figure(*sub, args, 1);
  sub->add_option("--year", options.year, "the year of the figure")->type_name("YEAR")->check(kPositive)->required();
  sub->add_option("--kind", args.kind, "which figure of that year")
      ->type_name(choices(kKinds))
      ->check(choice("kind", kKinds))
      ->capture_default_str();
  sub->add_option("--value", args.value, "a measure's number (48, 12.5) or a deliverable's count")->type_name("N");
  sub->add_option("--text", args.text, "a measure's text")->type_name("TEXT");
  sub->add_option("--comment", args.comment, "why, kept in the history")->type_name("TEXT");
  sub->add_option("--idempotency-key", args.idempotency_key, "the key of an earlier attempt, to store it at most once")
      ->type_name("KEY");
  add_format(*sub, commands.format_word, kTextOrJson);
}

void add_history(CLI::App& app, Commands& commands, Options& options) {
  auto* sub = commands.add(app, "history", "every stored change of reported figures: who, when, old -> new", Command::kHistory);
  sub->add_option("COMPONENT", options.argument, "only this component's")->type_name("");
  add_figure(*sub, options.report, 0);
  add_year(*sub, options.year, "only this year's figures");
  auto* kind = sub->add_option("--kind", options.report.kind, "only actual or only planned figures")
                   ->type_name(choices(kKinds))
                   ->check(choice("kind", kKinds));
  kind->each([&options](const std::string&) { options.has_kind = true; });
  add_format(*sub, commands.format_word, kTextOrJson);
}

void add_token(CLI::App& app, Commands& commands, Options& options) {
  auto* token = app.add_subcommand("token", "token new: makes a bearer token (does not contact the host)");
  token->footer(kCommandFooter);
  token->require_subcommand(1);
  auto* made = commands.add(*token, "new",
                            "makes a bearer token: prints it once, and the entry (with only its hash) to\n"
                            "paste under auth: tokens: in the host's configuration. Does not contact the host",
                            Command::kTokenNew);
  TokenArgs& args = options.token;
  made->add_option("--name", args.name, "who uses the token (shown as reported_by and in the log)")->type_name("NAME")->required();
  made->add_option("--role", args.role, "what it may do")->type_name(choices(kRoles))->check(choice("role", kRoles))->required();
  made->add_option("--components", args.components, "a reporter's scope: the components it may report for")
      ->type_name("ID,ID...")
      ->each([&args](const std::string&) { args.has_components = true; });
}

// The deepest subcommand given: the one whose help a usage error shows.
const CLI::App* given(const CLI::App& app) {
  const CLI::App* at = &app;
  while (!at->get_subcommands().empty()) at = at->get_subcommands().front();
  return at;
}

// What was left over names the mistake better than CLI11's message does: a word that is no
// command, an option the command does not have, or an argument too many.
std::string parse_error(const CLI::App& app, const CLI::ParseError& error) {
  const std::vector<std::string> left = app.remaining(true);
  const CLI::App* command = given(app);
  std::string name = command->get_name();  // "token new" for new under token
  for (const CLI::App* parent = command->get_parent(); parent != nullptr && parent != &app; parent = parent->get_parent()) {
    name = parent->get_name() + " " + name;
  }
  for (const auto& word : left) {
    if (word.size() < 2 || word[0] != '-') continue;
    if (command == &app) return "unknown option '" + word + "'";
    // The command's own options go after it; only the global ones go anywhere.
    if (command->get_option_no_throw(word.substr(0, word.find('='))) != nullptr) {
      return "'" + word + "' is an option of '" + name + "': put it after the command";
    }
    return "'" + name + "' has no option '" + word + "'";
  }
  const bool needs_command = command->get_require_subcommand_min() > 0;  // section-ctl itself, or token
  if (left.empty()) {
    if (!needs_command) return error.what();
    if (command == &app) return "no command";
    std::string commands;
    for (const CLI::App* sub : command->get_subcommands([](const CLI::App* sub) { return !sub->get_name().empty(); })) {
      commands += (commands.empty() ? "" : ", ") + name + " " + sub->get_name();
    }
    return "'" + name + "' needs a command: " + commands;
  }
  if (command == &app) return "unknown command '" + left.front() + "'";
  if (needs_command) return "'" + name + "' has no command '" + left.front() + "'";
  return "too many arguments for '" + name + "': '" + left.front() + "'";
}

// What the parser cannot say itself: the choices of --format into their enums, the options that
// only go together with others.
void finish(const CLI::App& app, const Commands& commands, Options& options) {
  const CLI::App* command = given(app);
  options.usage = app.help();  // the help of the command given
  for (const auto& [sub, named] : commands.list) {
    if (sub == command) options.command = named;
  }
  if (options.command == Command::kExport) {
    parse_export_format(commands.format_word, &options.export_format);
    if (options.export_format == ExportFormat::kCsv && options.output.empty()) {
      usage_error(options, "export --format csv writes one file per table: it needs --output DIR");
    }
  } else if (!commands.format_word.empty()) {
    parse_format(commands.format_word, &options.format);
  }
  const Access& access = options.access;
  if (!access.server_name.empty() && !access.tls && access.ca_file.empty() && access.cert_file.empty()) {
    usage_error(options, "--server-name applies to TLS (--tls, --ca or --cert)");
  }
}

}  // namespace

Options parse_options(int argc, char** argv) {
  CLI::App app("The command-line client of section-host: reads the section it serves, reports figures, makes tokens.",
               "section-ctl");
  app.fallthrough();  // global options after the command too
  app.require_subcommand(1);
  app.get_formatter()->label("SUBCOMMAND", "COMMAND");
  app.get_formatter()->label("Subcommands", "Commands");
  Options options;
  Commands commands;
  add_access(app, options.access);
  add_reading_commands(app, commands, options);
  add_host_commands(app, commands, options);
  add_export(app, commands, options);
  add_report(app, commands, options);
  add_history(app, commands, options);
  add_token(app, commands, options);
  app.footer(
      "Global options go before or after the command; `section-ctl COMMAND --help` describes a command.\n"
      "Exit status: 0 success, 1 the host refused or could not be reached or the export could not be\n"
      "written, 2 a usage error or a file that cannot be read.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, printed by CLI11
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    options.usage = app.help();  // the command's, when one was given
    usage_error(options, parse_error(app, e));
  }
  finish(app, commands, options);
  return options;
}

void usage_error(const Options& options, const std::string& message) {
  std::cerr << "section-ctl: " << message << "\n\n" << options.usage;
  std::exit(2);
}

}  // namespace section::cli
