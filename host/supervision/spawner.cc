#include "host/supervision/spawner.h"

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace section::supervision {
namespace {

class Spawner {
 public:
  Spawner() {
    // Never joined: it must outlive every runner it starts, so it lives until the process ends.
    std::thread([this] { run(); }).detach();
  }

  void submit(std::packaged_task<void()> task) {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
    changed_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::packaged_task<void()> task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::packaged_task<void()>> tasks_;
};

}  // namespace

void on_spawner_thread(const std::function<void()>& spawn) {
  // Leaked on purpose: its thread runs until exit, and no destructor may race with it.
  static Spawner* spawner = new Spawner();
  std::packaged_task<void()> task(spawn);
  std::future<void> done = task.get_future();
  spawner->submit(std::move(task));
  done.get();
}

}  // namespace section::supervision
