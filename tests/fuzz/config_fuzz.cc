// The host's readers of its own files: the host configuration (host/config/host_config.h) and
// the section file (host/config/section_file.h), each given the same input. Both take a path,
// so the input is written to a scratch directory that also holds what a configuration refers
// to: the real section file and a plugin directory with the five plugin names. A refusal (a
// Result with an error) is the normal outcome; an exception or a crash is a bug.
#include "fuzz_support.h"
#include "host/config/host_config.h"
#include "host/config/section_file.h"

namespace {

using section::fuzz::bug;
using section::fuzz::Scratch;

const Scratch& scratch() {
  static const Scratch dir;
  static const bool ready = [] {
    std::filesystem::copy_file(section::fuzz::source_dir() / "configs/section-29f.section.yaml",
                               dir.path() / "section-29f.section.yaml");
    // Only whether a library exists is read here; its content is the loader's business.
    for (const char* id : {"edm", "finance", "hr", "support", "ict"}) {
      dir.write(std::string("plugins/") + id + "/" + id + ".so", "");
    }
    return true;
  }();
  (void)ready;
  return dir;
}

void check_config(const std::string& text) {
  const auto file = scratch().write("host.yaml", text);
  const auto config = section::config::load_host_config(file, scratch().path() / "plugins");
  if (!config.ok()) {
    if (config.status().message().empty()) bug("a configuration refused without a reason");
    return;
  }
  if (!section::config::check_listen_address(config->listen).ok()) bug("accepted an unusable listen address: " + config->listen);
  for (std::size_t i = 0; i < config->plugins.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (config->plugins[i].id == config->plugins[j].id) bug("accepted two plugins with the id " + config->plugins[i].id);
    }
  }
}

void check_section_file(const std::string& text) {
  const auto file = scratch().write("fuzz.section.yaml", text);
  const auto section = section::config::load_section_file(file);
  if (!section.ok() && section.status().message().empty()) bug("a section file refused without a reason");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = section::fuzz::as_text(data, size);
  check_config(text);
  check_section_file(text);
  return 0;
}
