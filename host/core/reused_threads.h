// Threads for tasks that block (a plugin's hook under a deadline, a report waiting for its
// commit), reused. A thread per task cost more than many tasks themselves: each new thread is a
// clone and a stack mapped, and each ended one hands its stack back. Every task gets a thread at
// once: an idle one, or a new one when none is idle, so a task never waits behind one that
// blocks or hangs. A thread idle for a while ends.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace section {

class ReusedThreads {
 public:
  // The process's threads. Never destroyed: idle threads may wait on it at exit, and a task
  // abandoned past its deadline may still run.
  static ReusedThreads& shared();

  // Runs `task` at once on a thread other than the caller's.
  void run(std::function<void()> task);

  // Threads now waiting for a task (for tests).
  std::size_t idle() const;

 private:
  static constexpr std::chrono::seconds kIdleLife{30};
  ReusedThreads() = default;
  void serve();

  mutable std::mutex mutex_;
  std::condition_variable task_ready_;
  std::deque<std::function<void()>> tasks_;
  std::size_t idle_ = 0;
};

}  // namespace section
