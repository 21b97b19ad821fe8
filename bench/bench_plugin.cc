// The plugin of the benchmarks: a DataPlugin (one data file per component, so that one library
// serves any number of generated components) that can also change every `republish_every_ms`,
// for the Watch fan-out benchmark: each time, the first measure value counts up.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <section/sdk/sdk.h>

namespace {

class BenchPlugin final : public section::sdk::DataPlugin {
 public:
  using DataPlugin::DataPlugin;

  void start() override {
    DataPlugin::start();
    const auto every = context().setting("republish_every_ms");
    if (!every) return;
    const int interval = std::stoi(*every);
    ticker_ = std::thread([this, interval] {
      std::unique_lock<std::mutex> lock(mutex_);
      while (!stop_changed_.wait_for(lock, std::chrono::milliseconds(interval), [this] { return stopping_; })) {
        ++tick_;
        context().request_republish();
      }
    });
  }

  section::v1::Component publish() override {
    section::v1::Component component = DataPlugin::publish();
    for (auto& result : *component.mutable_results()) {
      for (auto& measure : *result.mutable_measures()) {
        for (auto& value : *measure.mutable_values()) {
          if (value.has_number()) {
            value.mutable_number()->set_units(value.number().units() + tick_);
            return component;
          }
        }
      }
    }
    return component;
  }

  void stop() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    stop_changed_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    DataPlugin::stop();
  }

 protected:
  void check(const section::v1::Component& component, section::sdk::Findings& findings) const override {
    section::sdk::checks::common(component, findings);
  }
  std::vector<std::string> extra_settings() const override { return {"republish_every_ms"}; }

 private:
  std::mutex mutex_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  std::atomic<long> tick_{0};
  std::thread ticker_;
};

}  // namespace

SECTION_PLUGIN(BenchPlugin)
