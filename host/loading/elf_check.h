// A check of a shared library's ELF layout before dlopen sees it. dlopen maps the segments the
// headers describe; if the file is shorter than they say (a truncated copy, an interrupted
// deployment), touching the missing pages kills the process with SIGBUS. Checked here, such a
// file is refused with a reason instead.
#pragma once

#include <filesystem>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

namespace section::loading {

// Ok when the file is a 64-bit ELF shared object for this machine whose headers and segments
// all lie within the file.
absl::Status check_elf_layout(const std::filesystem::path& path);

}  // namespace section::loading
