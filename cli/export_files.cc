#include "cli/export_files.h"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace section::cli {
namespace {

namespace fs = std::filesystem;

bool is_csv_file(const fs::directory_entry& entry) {
  std::error_code ignored;
  return entry.is_regular_file(ignored) && entry.path().extension() == ".csv";
}

// The files of an earlier export in `dir`, or the first entry that shows it is something else.
std::optional<std::string> earlier_export(const fs::path& dir, std::vector<fs::path>& files) {
  std::ifstream index(dir / "index.csv");
  std::string header;
  if (!index || !std::getline(index, header) || header != kCsvIndexHeader) {
    return dir.string() + " is not empty and holds no earlier export (no index.csv written by section-ctl export); "
           "choose a new or empty directory";
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename() == "tables" && entry.is_directory()) {
      for (const auto& table : fs::directory_iterator(entry.path())) {
        if (!is_csv_file(table)) return table.path().string() + " is not from an export; choose a new or empty directory";
        files.push_back(table.path());
      }
    } else if (is_csv_file(entry)) {
      files.push_back(entry.path());
    } else {
      return entry.path().string() + " is not from an export; choose a new or empty directory";
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> write_text_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return "cannot write " + path.string() + ": " + std::strerror(errno);
  out << text;
  out.close();
  if (!out) return "cannot write " + path.string() + ": " + std::strerror(errno);
  return std::nullopt;
}

std::optional<std::string> write_csv_directory(const fs::path& dir, const std::vector<CsvFile>& files) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return "cannot create " + dir.string() + ": " + error.message();
  if (!fs::is_directory(dir)) return dir.string() + " is not a directory";
  try {
    if (!fs::is_empty(dir)) {
      std::vector<fs::path> old;
      if (auto refused = earlier_export(dir, old)) return refused;
      for (const auto& path : old) fs::remove(path);
    }
    fs::create_directories(dir / "tables");
  } catch (const fs::filesystem_error& e) {
    return "cannot use " + dir.string() + ": " + e.code().message() + (e.path1().empty() ? "" : " (" + e.path1().string() + ")");
  }
  for (const auto& file : files) {
    if (auto failed = write_text_file(dir / file.name, file.text)) return failed;
  }
  return std::nullopt;
}

}  // namespace section::cli
