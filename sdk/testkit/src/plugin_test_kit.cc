#include "section/testkit/plugin_test_kit.h"

#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "host/loading/plugin_instance.h"
#include "host/loading/plugin_library.h"
#include "host/loading/plugin_steps.h"

namespace section::testkit {

namespace fs = std::filesystem;

struct Run::State {
  std::shared_ptr<loading::PluginLibrary> library;
  std::unique_ptr<loading::PluginInstance> instance;
  int budget_year = 0;
  // Written from any of the plugin's threads.
  mutable std::mutex mutex;
  std::vector<LogLine> log;
  int republish_requests = 0;
};

namespace {

// Which stage refused the plugin, from the status of a step (host/loading/plugin_error.h):
// kInvalidArgument is the settings when it starts and the component once it is fetched.
enum class Step { kStart, kFetch };
Stage stage_of(const absl::Status& error, Step step) {
  switch (error.code()) {
    case absl::StatusCode::kFailedPrecondition: return Stage::kData;
    case absl::StatusCode::kInvalidArgument: return step == Step::kStart ? Stage::kSettings : Stage::kComponent;
    default: return Stage::kFailed;
  }
}

// Temporary data directories, removed at exit: a failing test can still be read while it runs.
class TempDirs {
 public:
  static fs::path make() {
    static TempDirs dirs;
    std::string pattern = (fs::temp_directory_path() / "section-testkit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a temporary directory in " + fs::temp_directory_path().string());
    std::lock_guard<std::mutex> lock(dirs.mutex_);
    dirs.paths_.push_back(pattern);
    return pattern;
  }
  ~TempDirs() {
    for (const auto& path : paths_) {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
  }

 private:
  std::mutex mutex_;
  std::vector<fs::path> paths_;
};

}  // namespace

const char* stage_name(Stage stage) {
  switch (stage) {
    case Stage::kServing: return "serving";
    case Stage::kLibrary: return "library";
    case Stage::kSettings: return "settings";
    case Stage::kData: return "data";
    case Stage::kComponent: return "component";
    case Stage::kFailed: return "failed";
  }
  return "unknown";
}

Run::Run(std::unique_ptr<State> state) : state_(std::move(state)) {}
Run::Run(Run&&) noexcept = default;
Run& Run::operator=(Run&&) noexcept = default;
Run::~Run() = default;

const section::v1::Component& Run::component() const {
  if (!ok()) throw std::logic_error(std::string("the plugin was refused (") + stage_name(stage_) + "): " + error_);
  return component_;
}

std::vector<LogLine> Run::log() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->log;
}

int Run::republish_requests() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->republish_requests;
}

bool Run::republish() {
  if (!state_->instance) {
    if (error_.empty()) error_ = "the plugin is not running";
    return false;
  }
  absl::StatusOr<loading::Handover> fetched = loading::fetch_validated(*state_->instance, state_->budget_year);
  if (!fetched.ok()) {
    stage_ = stage_of(fetched.status(), Step::kFetch);
    error_ = std::string(fetched.status().message());
    return false;
  }
  stage_ = Stage::kServing;
  error_.clear();
  component_ = std::move(fetched->component);
  return true;
}

Run load(const fs::path& library_path, const Options& options) {
  auto state = std::make_unique<Run::State>();
  state->budget_year = options.budget_year;
  Run::State* shared = state.get();
  Run run(std::move(state));

  auto library = loading::PluginLibrary::open(library_path);
  if (!library.ok()) {
    run.stage_ = Stage::kLibrary;
    run.error_ = std::string(library.status().message());
    return run;
  }
  shared->library = *library;
  loading::HostServices services;
  services.log = [shared](const std::string&, int level, const std::string& message) {
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->log.push_back({level, message});
  };
  services.changed = [shared](const std::string&) {
    std::lock_guard<std::mutex> lock(shared->mutex);
    ++shared->republish_requests;
  };
  const fs::path config_dir = options.config_dir.empty() ? fs::current_path() : options.config_dir;
  const auto request = loading::make_start_request(options.id, fs::absolute(library_path), config_dir,
                                                   options.settings, options.budget_year);
  auto instance = loading::PluginInstance::start(shared->library, request, services);
  if (!instance.ok()) {
    run.stage_ = stage_of(instance.status(), Step::kStart);
    run.error_ = std::string(instance.status().message());
    return run;
  }
  shared->instance = std::move(*instance);
  run.republish();
  return run;
}

Run load_with_data(const fs::path& library, Options options, const std::string& yaml) {
  const fs::path dir = TempDirs::make();
  const fs::path file = dir / "component.yaml";
  std::ofstream out(file);
  out << yaml;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
  options.settings["data"] = file.string();
  return load(library, options);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string edit(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (from.empty() || at == std::string::npos) throw std::invalid_argument("edit: '" + from + "' is not in the text");
  text.replace(at, from.size(), to);
  return text;
}

}  // namespace section::testkit
