// section-bench-startup: how long a server takes from being spawned to its first line on
// standard output (section-host's "serving" line, printed once health is SERVING; the floor's
// once it listens). The clock is read right before posix_spawn and right after the line is
// read, so no shell or helper process is timed. With --floor, the floor command and the measured
// command alternate, round by round, so that drift in the machine touches both alike.
//
//   section-bench-startup --rounds 20 [--rss-after TEXT] [--keep-line TEXT] [--floor CMD ARGS...] -- CMD ARGS...
//
// --rss-after TEXT: after each start of CMD, wait until its standard error holds TEXT, then
// read its resident memory (VmRSS). --keep-line TEXT: keep the line of CMD's standard error
// that holds TEXT (section-host's "ready in" line, with its phases). Prints one JSON object:
//   {"runs_us": [...], "floor_runs_us": [...], "rss_kb": N, "lines": [...]}
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "section-bench-startup: %s\n", what.c_str());
  std::exit(1);
}

struct Options {
  int rounds = 20;
  std::string rss_after;
  std::string keep_line;
  std::vector<std::string> floor;
  std::vector<std::string> command;
};

Options parse(int argc, char** argv) {
  Options options;
  std::vector<std::string>* into = nullptr;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (into != nullptr && arg != "--") {
      into->push_back(arg);
    } else if (arg == "--") {
      into = &options.command;
    } else if (arg == "--floor") {
      into = &options.floor;
    } else if (arg == "--rounds" && i + 1 < argc) {
      options.rounds = std::stoi(argv[++i]);
    } else if (arg == "--rss-after" && i + 1 < argc) {
      options.rss_after = argv[++i];
    } else if (arg == "--keep-line" && i + 1 < argc) {
      options.keep_line = argv[++i];
    } else {
      die("usage: section-bench-startup --rounds N [--rss-after TEXT] [--floor CMD...] -- CMD...");
    }
  }
  if (options.command.empty() || options.rounds < 1) die("no command to time (give it after --)");
  return options;
}

long rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Started {
  pid_t pid = -1;
  long elapsed_us = 0;
};

// Spawns `command` with standard output on a pipe and standard error in `error_file`, and
// returns once its first line has been read.
Started start(const std::vector<std::string>& command, const std::string& error_file) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) die("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, error_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> argv;
  for (const std::string& word : command) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  Started started;
  const auto begin = Clock::now();
  const int spawned = posix_spawn(&started.pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) die("cannot start " + command[0]);
  char c = 0;
  for (;;) {
    pollfd ready{out[0], POLLIN, 0};
    if (poll(&ready, 1, 300000) <= 0) die(command[0] + " printed no line within 300 s: " + read_all(error_file));
    const ssize_t got = read(out[0], &c, 1);
    if (got <= 0) die(command[0] + " ended before its first line: " + read_all(error_file));
    if (c == '\n') break;
  }
  started.elapsed_us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - begin).count();
  close(out[0]);  // the servers print nothing more on standard output
  return started;
}

void stop(pid_t pid) {
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
}

std::string json_list(const std::vector<long>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) out += (i == 0 ? "" : ",") + std::to_string(values[i]);
  return out + "]";
}

// The line of `text` that holds `needle`, as a JSON string ("" when none does).
std::string json_line(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  std::string line;
  if (at != std::string::npos) {
    const std::size_t begin = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
    line = text.substr(begin, text.find('\n', at) - begin);
  }
  std::string out = "\"";
  for (const char c : line) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  char dir_pattern[] = "/tmp/section-bench-startup-XXXXXX";
  if (mkdtemp(dir_pattern) == nullptr) die("cannot create a temporary directory");
  const std::string error_file = std::string(dir_pattern) + "/stderr";
  std::vector<long> runs;
  std::vector<long> floor_runs;
  std::vector<std::string> lines;
  long rss = 0;
  for (int round = 0; round < options.rounds; ++round) {
    if (!options.floor.empty()) {
      const Started floor = start(options.floor, error_file);
      floor_runs.push_back(floor.elapsed_us);
      stop(floor.pid);
    }
    const Started measured = start(options.command, error_file);
    runs.push_back(measured.elapsed_us);
    if (!options.keep_line.empty()) lines.push_back(json_line(read_all(error_file), options.keep_line));
    if (!options.rss_after.empty()) {
      const auto deadline = Clock::now() + std::chrono::seconds(30);
      while (read_all(error_file).find(options.rss_after) == std::string::npos && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
      rss = rss_kb(measured.pid);
    }
    stop(measured.pid);
  }
  unlink(error_file.c_str());
  rmdir(dir_pattern);
  std::string kept = "[";
  for (std::size_t i = 0; i < lines.size(); ++i) kept += (i == 0 ? "" : ", ") + lines[i];
  std::printf("{\"runs_us\": %s, \"floor_runs_us\": %s, \"rss_kb\": %ld, \"lines\": %s]}\n", json_list(runs).c_str(),
              json_list(floor_runs).c_str(), rss, kept.c_str());
  return 0;
}
