// What the fuzz targets share: the libFuzzer entry point's signature, the repository's files,
// a scratch directory for readers that take a path, and how a target reports a real bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace section::fuzz {

inline std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// The repository, for the real Section 29F files (set by tests/fuzz/CMakeLists.txt).
inline std::filesystem::path source_dir() { return SECTION_FUZZ_SOURCE_DIR; }

// A broken invariant: a bug even though nothing crashed. abort() makes libFuzzer keep the input.
[[noreturn]] inline void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz: bug: %s\n", what.c_str());
  std::abort();
}

// A directory of this process's own, removed at exit, for readers that only take a path.
class Scratch {
 public:
  Scratch() {
    std::string pattern = (std::filesystem::temp_directory_path() / "section-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) bug("cannot create a scratch directory");
    path_ = pattern;
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const std::filesystem::path file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) bug("cannot write " + file.string());
    return file;
  }

 private:
  std::filesystem::path path_;
};

}  // namespace section::fuzz
