#include "test_env.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <sstream>
#include <thread>

extern char** environ;

namespace section::test {

namespace fs = std::filesystem;

fs::path source_dir() { return SECTION_TEST_SOURCE_DIR; }
fs::path plugin_dir() { return SECTION_TEST_PLUGIN_DIR; }
fs::path host_binary() { return SECTION_TEST_HOST_BINARY; }
fs::path ctl_binary() { return SECTION_TEST_CTL_BINARY; }
fs::path fixture(const std::string& name) { return fs::path(SECTION_TEST_FIXTURE_DIR) / (name + ".so"); }

TempDir::TempDir() {
  std::random_device random;
  for (int attempt = 0; attempt < 100; ++attempt) {
    path_ = fs::temp_directory_path() / ("section-test-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
    std::error_code ec;
    if (fs::create_directory(path_, ec)) return;
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path TempDir::write(const std::string& name, const std::string& text) const {
  const fs::path file = path_ / name;
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
  return file;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::invalid_argument("replace: '" + from + "' is not in the text");
  return text.replace(at, from.size(), to);
}

std::string default_config_text() {
  return "listen: 127.0.0.1:0\n"
         "section: " + (source_dir() / "configs/section-29f.section.yaml").string() + "\n"
         "plugin_dir: " + plugin_dir().string() + "\n"
         "shutdown_grace_ms: 200\n"
         "drain_ms: 0\n"
         "plugins:\n"
         "  - id: edm\n    library: edm\n    enabled: true\n"
         "  - id: finance\n    library: finance\n    enabled: true\n"
         "  - id: hr\n    library: hr\n    enabled: true\n"
         "  - id: support\n    library: support\n    enabled: true\n"
         "  - id: ict\n    library: ict\n    enabled: true\n";
}

namespace {

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// This process's environment without systemd's variables and those `extra` sets, then `extra`.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> entries;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    const std::string name = name_of(text);
    if (name == "NOTIFY_SOCKET" || name == "WATCHDOG_USEC" || name == "WATCHDOG_PID") continue;
    if (std::any_of(extra.begin(), extra.end(), [&](const std::string& set) { return name_of(set) == name; })) continue;
    entries.push_back(text);
  }
  entries.insert(entries.end(), extra.begin(), extra.end());
  return entries;
}

}  // namespace

Child::Child(std::vector<std::string> argv, std::vector<std::string> environment) {
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  std::vector<std::string> entries = child_environment(environment);
  std::vector<char*> envp;
  for (auto& entry : entries) envp.push_back(entry.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, (dir_.path() / "out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, (dir_.path() / "err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  // The child starts with no signal blocked, whatever this thread blocks.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
  const int error = posix_spawn(&pid_, args[0], &actions, &attributes, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) throw std::runtime_error("cannot start " + argv[0]);
}

Child::~Child() {
  if (!running()) return;
  signal(SIGTERM);
  if (!wait(std::chrono::seconds(10))) {
    signal(SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

bool Child::running() {
  if (status_) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return !status_;
}

std::optional<int> Child::wait(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

void Child::signal(int signal_number) {
  if (running()) ::kill(pid_, signal_number);
}

std::optional<std::string> Child::wait_for_line(const std::string& prefix, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::istringstream lines(out());
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(prefix, 0) == 0 && lines.good()) return line.substr(prefix.size());
    }
    if (!running() || std::chrono::steady_clock::now() > until) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string Child::out() const { return read_file(dir_.path() / "out"); }
std::string Child::err() const { return read_file(dir_.path() / "err"); }

RunResult run(std::vector<std::string> argv, std::chrono::milliseconds timeout) {
  Child child(std::move(argv));
  RunResult result;
  const auto status = child.wait(timeout);
  result.status = status ? *status : -1;
  result.out = child.out();
  result.err = child.err();
  return result;
}

Host::Host(const std::string& config_text, std::vector<std::string> extra_args, std::vector<std::string> environment) {
  const fs::path config = dir_.write("host.yaml", config_text);
  std::vector<std::string> argv = {host_binary().string(), "--config", config.string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  child_ = std::make_unique<Child>(argv, std::move(environment));
  if (auto address = child_->wait_for_line("section-host: serving ", std::chrono::seconds(20))) address_ = *address;
}

std::optional<int> Host::stop() {
  child_->signal(SIGTERM);
  return child_->wait(std::chrono::seconds(15));
}

Host::~Host() = default;

}  // namespace section::test
