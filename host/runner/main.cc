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

#include <grpcpp/grpcpp.h>

#include "host/loading/plugin_library.h"
#include "host/runner/plugin_service.h"

namespace {

[[noreturn]] void usage(const std::string& message) {
  std::cerr << "section-plugin-runner: " << message
            << "\nusage: section-plugin-runner --library PATH --listen unix:PATH [--parent PID]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string library_path;
  std::string listen;
  long parent = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) usage(arg + " needs a value");
    if (arg == "--library") library_path = argv[++i];
    else if (arg == "--listen") listen = argv[++i];
    else if (arg == "--parent") parent = std::strtol(argv[++i], nullptr, 10);
    else usage("unknown argument '" + arg + "'");
  }
  if (library_path.empty() || listen.rfind("unix:", 0) != 0) usage("--library and --listen unix:PATH are required");

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
