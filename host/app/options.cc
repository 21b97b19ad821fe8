#include "host/app/options.h"

#include <cstdlib>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>

#include "section/sdk/abi.h"

namespace section::app {

Options parse_options(int argc, char** argv) {
  CLI::App app(
      "Assembles a budget section from the plugins the configuration names and serves it over gRPC\n"
      "(section.v1.SectionService, grpc.health.v1.Health, server reflection).",
      "section-host");
  app.footer("The plugin directory defaults to ../" SECTION_PLUGIN_RELATIVE_DIR
             " beside this executable, or $SECTION_PLUGIN_DIR when set;\na configuration's plugin_dir overrides both.");
  app.set_version_flag("--version", std::string("section-host " SECTION_HOST_VERSION " (plugin ABI ") +
                                        std::to_string(SECTION_PLUGIN_ABI_VERSION) + ")");
  Options options;
  app.add_option("--config", options.config, "host configuration (YAML); see docs/configuration.md")
      ->required()
      ->type_name("FILE");
  app.add_option("--listen", options.listen, "overrides the configuration's listen address, e.g. 127.0.0.1:0")
      ->type_name("ADDR");
  app.add_flag("--check", options.check,
               "load and check the configuration, section file, every plugin and its data; print what was\n"
               "found and exit (0 ok, 1 a plugin failed, 2 an error that stops start-up) without opening a port");
  const std::map<std::string, log::Level> levels = {
      {"debug", log::Level::kDebug}, {"info", log::Level::kInfo}, {"warning", log::Level::kWarning}, {"error", log::Level::kError}};
  std::string level = "info";
  app.add_option("--log-level", level, "the least severe log lines written to standard error")
      ->check(CLI::IsMember({"debug", "info", "warning", "error"}))
      ->type_name("LEVEL")
      ->capture_default_str();
  std::string format = "text";
  app.add_option("--log-format", format,
                 "text: a line for people; json: one JSON object per line (time, level, component, message)\n"
                 "for log collectors (docs/operations.md)")
      ->check(CLI::IsMember({"text", "json"}))
      ->type_name("FORMAT")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help or --version, printed by CLI11
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::cerr << "section-host: " << e.what() << "\n\n" << app.help();
    std::exit(2);
  }
  options.log_level = levels.at(level);
  options.log_format = format == "json" ? log::Format::kJson : log::Format::kText;
  return options;
}

}  // namespace section::app
