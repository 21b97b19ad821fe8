// The plugin of the benchmarks: one data file per component, so that one library serves any
// number of generated components, read as DataPlugin reads it and handed over serialized
// without a copy kept. With `republish_every_ms` it also changes that often, for the Watch
// fan-out benchmark: each time, the first measure value counts up. A plugin that changes what
// it publishes derives from Plugin, not DataPlugin, which publishes its data file as read.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <section/sdk/sdk.h>

namespace {

class BenchPlugin final : public section::sdk::Plugin {
 public:
  explicit BenchPlugin(const section::sdk::Context& context) : context_(context) {}

  void start() override {
    context_.require_known_settings({"data", "watch_ms", "republish_every_ms"});
    data_path_ = context_.data_path("data", "component.yaml");
    bytes_ = section::sdk::read_component_file(data_path_).SerializeAsString();
    const auto every = context_.setting("republish_every_ms");
    if (!every) return;
    const int interval = std::stoi(*every);
    ticking_ = true;
    ticker_ = std::thread([this, interval] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stop_changed_.wait_for(lock, std::chrono::milliseconds(interval), [this] { return stopping_; })) {
        ++tick_;
        context_.request_republish();
      }
    });
  }

  std::string publish_serialized() override {
    if (!ticking_) {
      std::string handed;
      handed.swap(bytes_);  // the host keeps it; asked again, the file is read again
      return handed.empty() ? section::sdk::read_component_file(data_path_).SerializeAsString() : handed;
    }
    section::v1::Component component;
    component.ParseFromString(bytes_);
    bump(component);
    return component.SerializeAsString();
  }

  section::v1::Component publish() override {
    section::v1::Component component;
    component.ParseFromString(publish_serialized());
    return component;
  }

  void stop() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stop_changed_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

 private:
  // The first measure value with a number counts up by the ticks so far.
  void bump(section::v1::Component& component) const {
    for (auto& result : *component.mutable_results()) {
      for (auto& measure : *result.mutable_measures()) {
        for (auto& value : *measure.mutable_values()) {
          if (value.has_number()) {
            value.mutable_number()->set_units(value.number().units() + tick_);
            return;
          }
        }
      }
    }
  }

  const section::sdk::Context& context_;
  std::filesystem::path data_path_;
  std::string bytes_;  // the component read, serialized
  bool ticking_ = false;
  std::mutex mutex_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::atomic<long> tick_{0};
  std::thread ticker_;
};

}  // namespace

SECTION_PLUGIN(BenchPlugin)
