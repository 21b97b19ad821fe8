// Small helpers shared by the benchmark programs: CPU pinning, percentiles, argument parsing,
// a token read from its file.
#pragma once

#include <sched.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace section::bench {

// Pins this process (and the threads it creates afterwards) to one CPU; -1 leaves it free.
inline void pin_to_cpu(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
}

// The p-th percentile (0–100) of `values`, which it sorts.
inline double percentile(std::vector<std::uint32_t>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t index = std::min(values.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size())));
  return values[index];
}

// --name value pairs; a bare --flag gets "1".
inline std::map<std::string, std::string> parse_flags(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      std::fprintf(stderr, "unexpected argument '%s'\n", argv[i]);
      std::exit(2);
    }
    arg = arg.substr(2);
    if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      flags[arg] = argv[++i];
    } else {
      flags[arg] = "1";
    }
  }
  return flags;
}

inline std::string flag(const std::map<std::string, std::string>& flags, const std::string& name, const std::string& fallback) {
  auto found = flags.find(name);
  return found == flags.end() ? fallback : found->second;
}

// The first line of `file` (a bearer token written by `section-ctl token new`); empty if none.
inline std::string read_token(const std::string& file) {
  std::ifstream in(file);
  std::string token;
  std::getline(in, token);
  return token;
}

}  // namespace section::bench
