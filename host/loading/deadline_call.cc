#include "host/loading/deadline_call.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace section::loading {
namespace {

std::atomic<int> abandoned{0};

// Threads that run the calls, reused. A thread per call cost more than many calls themselves
// (starting 1,000 plugins makes 2,000 calls, and each ended thread hands its stack back with
// madvise). Every call gets a thread at once: an idle one, or a new one when none is idle, so a
// call never waits behind one that hangs. A thread idle for a while ends.
class Workers {
 public:
  static Workers& instance() {
    static Workers* workers = new Workers;  // never destroyed: idle threads may wait on it at exit
    return *workers;
  }

  void run(std::function<void()> task) {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
    if (tasks_.size() <= idle_) {
      task_ready_.notify_one();
      return;
    }
    std::thread([this] { serve(); }).detach();
  }

 private:
  static constexpr std::chrono::seconds kIdleLife{30};

  void serve() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      if (tasks_.empty()) {
        ++idle_;
        const bool woken = task_ready_.wait_for(lock, kIdleLife, [this] { return !tasks_.empty(); });
        --idle_;
        if (!woken) return;
      }
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      task = nullptr;
      lock.lock();
    }
  }

  std::mutex mutex_;
  std::condition_variable task_ready_;
  std::deque<std::function<void()>> tasks_;
  std::size_t idle_ = 0;  // threads waiting for a task
};

struct CallState {
  std::mutex mutex;
  std::condition_variable finished_changed;
  bool finished = false;
  bool given_up = false;
};

}  // namespace

bool call_with_deadline(std::function<void()> call, std::chrono::milliseconds timeout) {
  auto state = std::make_shared<CallState>();
  Workers::instance().run([state, call = std::move(call)]() mutable {
    call();
    call = nullptr;  // release what the call held on this thread, before saying it finished
    std::lock_guard<std::mutex> lock(state->mutex);
    state->finished = true;
    if (state->given_up) --abandoned;
    state->finished_changed.notify_all();
  });

  std::unique_lock<std::mutex> lock(state->mutex);
  if (state->finished_changed.wait_for(lock, timeout, [&] { return state->finished; })) return true;
  state->given_up = true;
  ++abandoned;
  return false;
}

int abandoned_calls() { return abandoned.load(); }

}  // namespace section::loading
