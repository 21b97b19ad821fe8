#include "host/core/reused_threads.h"

#include <thread>

namespace section {

ReusedThreads& ReusedThreads::shared() {
  static ReusedThreads* threads = new ReusedThreads;
  return *threads;
}

void ReusedThreads::run(std::function<void()> task) {
  std::lock_guard<std::mutex> lock(mutex_);
  tasks_.push_back(std::move(task));
  if (tasks_.size() <= idle_) {
    task_ready_.notify_one();
    return;
  }
  std::thread([this] { serve(); }).detach();
}

std::size_t ReusedThreads::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return idle_;
}

void ReusedThreads::serve() {
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
    task = nullptr;  // what the task held is released before the thread counts as idle
    lock.lock();
  }
}

}  // namespace section
