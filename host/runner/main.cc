// section-plugin-runner --library PATH --listen unix:PATH [--parent PID]
//
// Loads one plugin library, exactly as section-host does in process, and serves the plugin
// contract (section.v1.PluginService) on a Unix domain socket for the host that started it.
// With --parent (as the host starts it) it ends when that parent does (PR_SET_PDEATHSIG), so
// no runner outlives a host that died. Without it, it runs on its own, for a host to attach to
// with `endpoint: unix:PATH`.
// Exit status: 0 after SIGTERM, 2 for a bad command line, 3 when the library is not a usable
// plugin (the message on standard error names the file and the reason), 1 otherwise.
#include <sys/prctl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "host/loading/plugin_library.h"
#include "host/runner/plugin_service.h"

namespace {

struct Options {
  std::string library;
  std::string listen;
  long parent = 0;
};

// CLI11 parses the command line, and the same definitions give --help. A usage error prints
// the error and the usage to standard error and exits 2.
Options parse_options(int argc, char** argv) {
  CLI::App app(
      "Loads one plugin library, as section-host does in process, and serves the plugin contract\n"
      "(section.v1.PluginService) on a Unix domain socket for the host that started it.",
      "section-plugin-runner");
  app.footer("Exit status: 0 after SIGTERM, 2 a bad command line, 3 the library is not a usable plugin, 1 otherwise.");
  Options options;
  app.add_option("--library", options.library, "the plugin library (.so)")->type_name("PATH")->required();
  app.add_option("--listen", options.listen, "the socket to serve on")
      ->type_name("unix:PATH")
      ->required()
      ->check([](const std::string& value) { return value.rfind("unix:", 0) == 0 ? "" : "must be unix:PATH, not '" + value + "'"; });
  app.add_option("--parent", options.parent, "end when this process (the host) ends")->type_name("PID");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {  // --help, printed by CLI11
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    std::cerr << "section-plugin-runner: " << e.what() << "\n\n" << app.help();
    std::exit(2);
  }
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse_options(argc, argv);
  const std::string& library_path = options.library;
  const std::string& listen = options.listen;
  const long parent = options.parent;

  if (parent > 0) {
    // Die with the host. The parent may already be gone by now: then exit at once.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) return 1;
  }

  // SIGTERM from the host ends the runner cleanly: wait for it on a thread of its own.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto library = section::loading::PluginLibrary::open(library_path);
  if (!library.ok()) {
    std::cerr << library.status().message() << "\n";
    return 3;
  }

  section::runner::PluginService service(*library);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  builder.SetMaxSendMessageSize(64 << 20);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::cerr << "section-plugin-runner: cannot listen on " << listen << "\n";
    return 1;
  }

  int signal_number = 0;
  sigwait(&stop, &signal_number);
  service.close();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  // A hook that hangs may still be running in the plugin: no static destructors under it.
  std::fflush(stderr);
  std::_Exit(0);
}
