#include "host/metrics/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace section::metrics {
namespace {

struct ProcessStat {
  double cpu_seconds = 0;
  double start_seconds_after_boot = 0;
  double virtual_bytes = 0;
  double resident_bytes = 0;
  bool read = false;
};

// /proc/self/stat: the fields after the command's closing parenthesis (which may hold spaces).
ProcessStat read_stat() {
  ProcessStat stat;
  std::ifstream in("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return stat;
  std::istringstream fields(text.substr(close + 2));
  std::vector<std::string> values;
  for (std::string field; fields >> field;) values.push_back(field);
  // Numbered from field 3 (state): utime 14, stime 15, starttime 22, vsize 23, rss 24.
  if (values.size() < 22) return stat;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  stat.cpu_seconds = (std::stod(values[11]) + std::stod(values[12])) / ticks;
  stat.start_seconds_after_boot = std::stod(values[19]) / ticks;
  stat.virtual_bytes = std::stod(values[20]);
  stat.resident_bytes = std::stod(values[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
  stat.read = true;
  return stat;
}

// The boot time, seconds since the epoch (/proc/stat's btime).
double boot_time() {
  std::ifstream in("/proc/stat");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

double open_fds() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++count;
  return count > 0 ? count - 1 : 0;  // the iterator's own descriptor
}

void gauge(Exposition& out, const char* name, const char* type, const char* help, double value) {
  out.family(name, type, help);
  out.sample(name, {}, value);
}

}  // namespace

void write_process_metrics(Exposition& out) {
  const ProcessStat stat = read_stat();
  if (stat.read) {
    gauge(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", stat.cpu_seconds);
    gauge(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", stat.resident_bytes);
    gauge(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", stat.virtual_bytes);
    gauge(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
          boot_time() + stat.start_seconds_after_boot);
  }
  gauge(out, "process_open_fds", "gauge", "Number of open file descriptors.", open_fds());
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    gauge(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace section::metrics
