// Paths the build gives the tests, and helpers for temporary files and child processes.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace section::test {

// Set by tests/CMakeLists.txt.
std::filesystem::path source_dir();     // the repository
std::filesystem::path plugin_dir();     // the built plugins: <dir>/<name>/<name>.so
std::filesystem::path host_binary();    // section-host
std::filesystem::path ctl_binary();     // section-ctl
std::filesystem::path fixture(const std::string& name);  // a fixture plugin library

// A directory that is removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to <dir>/<name> and returns the path.
  std::filesystem::path write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);

// `text` with the first `from` replaced by `to`; throws std::invalid_argument when `from` is
// absent, so that a test never runs on a configuration it did not mean to write.
std::string replace(std::string text, const std::string& from, const std::string& to);

// A configuration for the five Section 29F plugins, with `replace` applied to its text
// (e.g. {"library: hr\n    enabled: true", "library: hr\n    enabled: false"}).
std::string default_config_text();

// A child process with its standard output and error captured in files. The destructor stops
// it (SIGTERM, then SIGKILL after a grace period) so that no test leaves a process behind.
// It inherits this process's environment without systemd's NOTIFY_SOCKET, WATCHDOG_USEC and
// WATCHDOG_PID (a test host never notifies the test runner's manager), plus `environment`
// ("NAME=value" entries).
class Child {
 public:
  explicit Child(std::vector<std::string> argv, std::vector<std::string> environment = {});
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Waits for a line of standard output starting with `prefix`; returns the rest of it.
  std::optional<std::string> wait_for_line(const std::string& prefix, std::chrono::milliseconds timeout);
  // Waits for the process to exit; its exit status, or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  void signal(int signal_number);
  bool running();
  std::string out() const;
  std::string err() const;
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  std::optional<int> status_;
  TempDir dir_;
};

// Runs a command to completion (at most `timeout`); its exit status and outputs.
struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};
RunResult run(std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(30));

// A section-host on a free loopback port, started from a configuration text. Stopped (and
// checked to exit 0) by the destructor.
class Host {
 public:
  explicit Host(const std::string& config_text, std::vector<std::string> extra_args = {},
                std::vector<std::string> environment = {});
  ~Host();
  bool ok() const { return !address_.empty(); }
  const std::string& address() const { return address_; }
  Child& child() { return *child_; }
  const TempDir& dir() const { return dir_; }
  // Stops the host with SIGTERM; its exit status.
  std::optional<int> stop();

 private:
  TempDir dir_;
  std::unique_ptr<Child> child_;
  std::string address_;
};

// Polls `done` every 20 ms until it holds or `timeout` passes; whether it held.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace section::test
