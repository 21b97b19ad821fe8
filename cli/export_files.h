// Writing an export to disk, apart from the pure renderers. An error names the path and says why.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/section_export.h"

namespace section::cli {

// Writes `text` to `path`, replacing a file that is there; the error, if any.
std::optional<std::string> write_text_file(const std::filesystem::path& path, const std::string& text);

// Writes the CSV export into `dir`, creating it when it is missing. A directory that is not
// empty is used only when it holds an earlier export (index.csv with the export's header and
// nothing but .csv files): those files are replaced, so that a table that is gone leaves no
// stale file. Any other content is refused, so that an export never mixes with unrelated files.
std::optional<std::string> write_csv_directory(const std::filesystem::path& dir, const std::vector<CsvFile>& files);

}  // namespace section::cli
