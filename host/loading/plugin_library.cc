#include "host/loading/plugin_library.h"

#include <dlfcn.h>

#include <system_error>

#include "host/loading/elf_check.h"

namespace section::loading {
namespace {

absl::Status fail(const std::filesystem::path& path, const std::string& reason) {
  return library_error(path.string() + ": " + reason);
}

}  // namespace

absl::StatusOr<std::shared_ptr<PluginLibrary>> PluginLibrary::open(const std::filesystem::path& path) {
  std::error_code fs_error;
  if (!std::filesystem::exists(path, fs_error)) return fail(path, "no such file");
  if (!std::filesystem::is_regular_file(path, fs_error)) return fail(path, "not a regular file");
  if (absl::Status layout = check_elf_layout(path); !layout.ok()) return fail(path, "cannot be loaded: " + std::string(layout.message()));

  std::shared_ptr<PluginLibrary> plugin(new PluginLibrary());
  plugin->path_ = path;
  boost::dll::fs::error_code ec;
  // Resolve every symbol now, so that a library built against something missing is refused
  // here with the linker's reason rather than failing later in a call.
  plugin->library_.load(path.string(), ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec) {
    const char* why = ::dlerror();  // Boost.DLL keeps only a generic error code
    return fail(path, std::string("cannot be loaded: ") + (why != nullptr ? why : ec.message()));
  }
  if (!plugin->library_.has(SECTION_PLUGIN_SYMBOL_ABI_VERSION)) {
    return fail(path, "not a section-host plugin (it exports no " SECTION_PLUGIN_SYMBOL_ABI_VERSION
                             "; build it with SECTION_PLUGIN from section/sdk/sdk.h)");
  }
  // The version is read before anything else is called.
  const std::uint32_t version = plugin->library_.get_alias<std::uint32_t()>(SECTION_PLUGIN_SYMBOL_ABI_VERSION)();
  if (version != SECTION_PLUGIN_ABI_VERSION) {
    return fail(path, "plugin ABI version " + std::to_string(version) + ", but this host supports version " +
                                 std::to_string(SECTION_PLUGIN_ABI_VERSION) + "; rebuild the plugin against this SDK");
  }
  for (const char* symbol : {SECTION_PLUGIN_SYMBOL_CREATE, SECTION_PLUGIN_SYMBOL_PUBLISH, SECTION_PLUGIN_SYMBOL_DESTROY}) {
    if (!plugin->library_.has(symbol)) return fail(path, std::string("incomplete plugin: no ") + symbol);
  }
  plugin->create_ = &plugin->library_.get_alias<int(const char*, std::size_t, const section_host_api*, void**,
                                                     section_plugin_emit_fn, void*)>(SECTION_PLUGIN_SYMBOL_CREATE);
  plugin->publish_ = &plugin->library_.get_alias<int(void*, section_plugin_emit_fn, void*, section_plugin_emit_fn, void*)>(
      SECTION_PLUGIN_SYMBOL_PUBLISH);
  plugin->destroy_ = &plugin->library_.get_alias<void(void*)>(SECTION_PLUGIN_SYMBOL_DESTROY);
  // Optional: without it the plugin still loads and runs, only it has no checks to offer.
  if (plugin->library_.has(SECTION_PLUGIN_SYMBOL_CHECK)) {
    plugin->check_ = &plugin->library_.get_alias<int(void*, const char*, std::size_t, section_plugin_emit_fn, void*)>(
        SECTION_PLUGIN_SYMBOL_CHECK);
  }
  return plugin;
}

}  // namespace section::loading
