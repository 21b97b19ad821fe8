#include "host/registry/work_queue.h"

namespace section::registry {

void WorkQueue::push(Work work) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_) return;
  // One pending fetch per plugin is enough.
  if (const auto* changed = std::get_if<ComponentChanged>(&work)) {
    for (const Work& queued : queue_) {
      const auto* same = std::get_if<ComponentChanged>(&queued);
      if (same != nullptr && same->id == changed->id && same->generation == changed->generation) return;
    }
  }
  queue_.push_back(std::move(work));
  changed_.notify_one();
}

bool WorkQueue::push_to_worker(Work work) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (closed_ || !running_) return false;
  queue_.push_back(std::move(work));
  changed_.notify_one();
  return true;
}

void WorkQueue::set_running() {
  std::lock_guard<std::mutex> lock(mutex_);
  running_ = !closed_;
}

WorkQueue::Next WorkQueue::next(std::optional<Clock::time_point> until) {
  std::unique_lock<std::mutex> lock(mutex_);
  const auto ready = [this] { return closed_ || !queue_.empty(); };
  if (until) {
    changed_.wait_until(lock, *until, ready);
  } else {
    changed_.wait(lock, ready);
  }
  Next next;
  next.closed = closed_;
  if (!closed_ && !queue_.empty()) {
    next.work = std::move(queue_.front());
    queue_.pop_front();
  }
  return next;
}

std::deque<Work> WorkQueue::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  closed_ = true;
  running_ = false;
  changed_.notify_all();
  std::deque<Work> pending;
  pending.swap(queue_);
  return pending;
}

}  // namespace section::registry
