#include "host/loading/elf_check.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace section::loading {
namespace {

#if defined(__x86_64__)
constexpr int kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kMachine = EM_AARCH64;
#else
constexpr int kMachine = -1;  // not checked
#endif

}  // namespace

absl::Status check_elf_layout(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError("cannot be read");
  std::error_code ec;
  const std::uint64_t size = std::filesystem::file_size(path, ec);
  if (ec) return absl::InvalidArgumentError("cannot be read: " + ec.message());

  Elf64_Ehdr header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) {
    return absl::InvalidArgumentError("not an ELF shared library");
  }
  if (header.e_ident[EI_CLASS] != ELFCLASS64) return absl::InvalidArgumentError("not a 64-bit ELF library");
  if (header.e_type != ET_DYN) return absl::InvalidArgumentError("an ELF file, but not a shared library");
  if (kMachine >= 0 && header.e_machine != kMachine) return absl::InvalidArgumentError("built for another processor architecture");

  const auto past_end = [&](std::uint64_t offset, std::uint64_t length, const char* what) -> absl::Status {
    if (offset > size || length > size - offset) {
      return absl::InvalidArgumentError("truncated or corrupt: its " + std::string(what) + " ends at byte " +
                           std::to_string(offset + length) + " but the file has " + std::to_string(size) + " bytes");
    }
    return absl::OkStatus();
  };
  if (header.e_phentsize != sizeof(Elf64_Phdr)) return absl::InvalidArgumentError("corrupt ELF program headers");
  if (absl::Status s = past_end(header.e_phoff, std::uint64_t{header.e_phnum} * sizeof(Elf64_Phdr), "program header table"); !s.ok()) return s;
  if (header.e_shoff != 0) {
    if (absl::Status s = past_end(header.e_shoff, std::uint64_t{header.e_shnum} * header.e_shentsize, "section header table"); !s.ok()) return s;
  }
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  in.seekg(static_cast<std::streamoff>(header.e_phoff));
  if (!in.read(reinterpret_cast<char*>(segments.data()), static_cast<std::streamsize>(segments.size() * sizeof(Elf64_Phdr)))) {
    return absl::InvalidArgumentError("corrupt ELF program headers");
  }
  for (const Elf64_Phdr& segment : segments) {
    if (segment.p_type != PT_LOAD && segment.p_type != PT_DYNAMIC) continue;
    if (absl::Status s = past_end(segment.p_offset, segment.p_filesz, "loadable segment"); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace section::loading
