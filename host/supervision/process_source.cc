#include "host/supervision/process_source.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <vector>

#include "host/supervision/spawner.h"
#include "section/sdk/abi.h"

extern char** environ;

namespace section::supervision {
namespace {

namespace fs = std::filesystem;

// Exit status 3 from the runner: the library is not a usable plugin (section-plugin-runner).
constexpr int kRunnerLibraryRefused = 3;
constexpr std::chrono::milliseconds kProcessStartBudget{10000};
const std::string kSocketDirPrefix = "section-host-";

}  // namespace

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "was killed by signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "ended (wait status " + std::to_string(status) + ")";
}

void remove_stale_socket_dirs() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kSocketDirPrefix, 0) != 0) continue;
    // section-host-<pid>-<plugin>-XXXXXX: the host that made it, if it is gone, left it.
    const long pid = std::strtol(name.c_str() + kSocketDirPrefix.size(), nullptr, 10);
    if (pid <= 0 || pid == ::getpid()) continue;
    std::error_code owner;
    if (fs::exists("/proc/" + std::to_string(pid), owner)) continue;
    struct stat info {};
    if (::stat(entry.path().c_str(), &info) != 0 || info.st_uid != ::getuid()) continue;
    std::error_code ignored;
    fs::remove_all(entry.path(), ignored);
  }
}

ProcessSource::ProcessSource(fs::path runner, fs::path library, loading::SourceEvents events,
                             std::chrono::milliseconds timeout)
    : runner_(std::move(runner)),
      library_(std::move(library)),
      events_(std::make_shared<loading::SourceEvents>(std::move(events))),
      timeout_(timeout) {}

ProcessSource::~ProcessSource() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closing_ = true;
  }
  remote_.reset();
  if (pid_ > 0) {
    bool exited;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      exited = exited_;
    }
    if (!exited) ::kill(pid_, SIGTERM);
    // The reaper returns once the runner is gone; give it a moment, then insist.
    for (int i = 0; i < 100; ++i) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (exited_) break;
      if (i == 99) ::kill(pid_, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (reaper_.joinable()) reaper_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  std::error_code ignored;
  if (!socket_dir_.empty()) fs::remove_all(socket_dir_, ignored);
}

absl::Status ProcessSource::spawn(const std::string& plugin_id) {
  auto fail = [&](const std::string& why) { return loading::plugin_failed("plugin '" + plugin_id + "': cannot start its process: " + why); };
  // A directory only this user can enter (mkdtemp makes it 0700) holds the socket.
  std::string dir = (fs::temp_directory_path() / (kSocketDirPrefix + std::to_string(::getpid()) + "-" + plugin_id + "-XXXXXX")).string();
  if (::mkdtemp(dir.data()) == nullptr) return fail(std::string("mkdtemp: ") + std::strerror(errno));
  socket_dir_ = dir;
  const std::string listen = "unix:" + (socket_dir_ / "plugin.sock").string();

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  // The host blocks its stop signals in every thread; the runner must start with none blocked.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) sigaddset(&defaults, signal);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> args = {runner_.string(), "--library", library_.string(), "--listen", listen,
                                   "--parent", std::to_string(::getpid())};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int spawned = 0;
  on_spawner_thread([&] { spawned = ::posix_spawn(&pid_, runner_.c_str(), &actions, &attributes, argv.data(), environ); });
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    pid_ = -1;
    return fail(runner_.string() + ": " + std::strerror(spawned));
  }
  stderr_reader_ = std::thread([this, fd = pipe_fds[0]] { forward_stderr(fd); });
  reaper_ = std::thread([this] { reap(); });
  // The reaper reports the runner's exit, with its status; the event stream's end is the same
  // news, later and vaguer.
  loading::SourceEvents remote_events = *events_;
  remote_events.lost = nullptr;
  remote_ = std::make_unique<loading::RemoteSource>(listen, std::move(remote_events), timeout_);
  return absl::OkStatus();
}

absl::Status ProcessSource::start(const section::v1::PluginStartRequest& request) {
  if (absl::Status spawned = spawn(request.plugin_id()); !spawned.ok()) return spawned;
  // Starting a process and loading a library takes longer than a call on a loaded plugin, and
  // the runner's exit ends the wait at once: allow it at least kProcessStartBudget.
  const auto budget = std::max(timeout_, kProcessStartBudget);
  absl::Status started = remote_->connect([this] { return !exit_story().empty(); }, budget);
  if (started.ok()) started = remote_->start(request);
  if (started.ok()) {
    // From now on the reaper reports an exit. If it came already, say so here instead: under
    // the mutex, exactly one of the two reports it.
    std::string story;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      started_ = true;
      if (exited_) story = exit_reason_;
    }
    if (!story.empty() && events_->lost) events_->lost("its process " + story);
    return started;
  }
  // Say why the runner is gone, if it is: its exit status and last words beat a timeout.
  for (int i = 0; i < 50 && exit_story().empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::lock_guard<std::mutex> lock(mutex_);
  if (!exited_) return started;
  if (library_refused_) {
    // The same error an in-process load gives: the runner's message names the file.
    return loading::library_error(last_stderr_line_.empty() ? library_.string() + ": refused by section-plugin-runner"
                                                            : last_stderr_line_);
  }
  return loading::with_message(started, "plugin '" + request.plugin_id() + "' (" + library_.string() + "): its process " +
                                            exit_reason_ + (last_stderr_line_.empty() ? "" : ": " + last_stderr_line_));
}

absl::StatusOr<loading::Handover> ProcessSource::fetch() {
  if (!remote_) return loading::plugin_failed("the plugin's process is not running");
  return remote_->fetch();
}

absl::Status ProcessSource::check(const section::v1::Component& component) {
  if (!remote_) return loading::plugin_failed("the plugin's process is not running");
  return remote_->check(component);
}

std::string ProcessSource::exit_story() {
  std::lock_guard<std::mutex> lock(mutex_);
  return exited_ ? exit_reason_ : std::string();
}

void ProcessSource::reap() {
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  std::string reason = "(pid " + std::to_string(pid_) + ") " + describe_wait_status(status);
  bool report;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    exited_ = true;
    exit_reason_ = reason;
    report = !closing_ && started_;
    // Exit status 3: the runner refused the library itself, which the host treats as it does
    // an in-process library it cannot load.
    library_refused_ = WIFEXITED(status) && WEXITSTATUS(status) == kRunnerLibraryRefused;
  }
  // Before start() has succeeded, start() itself reports the failure: not twice.
  if (report && events_->lost) events_->lost("its process " + reason);
}

void ProcessSource::forward_stderr(int fd) {
  std::string pending;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(got));
    std::size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        last_stderr_line_ = line;
      }
      if (events_->log) events_->log(SECTION_LOG_WARNING, line);
    }
  }
  if (!pending.empty() && events_->log) events_->log(SECTION_LOG_WARNING, pending);
  ::close(fd);
}

}  // namespace section::supervision
