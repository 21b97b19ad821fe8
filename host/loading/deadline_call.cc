#include "host/loading/deadline_call.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "host/core/reused_threads.h"

namespace section::loading {
namespace {

std::atomic<int> abandoned{0};

struct CallState {
  std::mutex mutex;
  std::condition_variable finished_changed;
  bool finished = false;
  bool given_up = false;
};

}  // namespace

bool call_with_deadline(std::function<void()> call, std::chrono::milliseconds timeout) {
  auto state = std::make_shared<CallState>();
  ReusedThreads::shared().run([state, call = std::move(call)]() mutable {
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
