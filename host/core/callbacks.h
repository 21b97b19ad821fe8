// Functions to call when something happens, added and removed by id from any thread. call()
// runs them outside the lock, so that a callback may itself add or remove callbacks.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <vector>

namespace section {

template <typename... Args>
class Callbacks {
 public:
  using Function = std::function<void(Args...)>;

  // An id for remove().
  int add(Function function) {
    std::lock_guard<std::mutex> lock(mutex_);
    functions_[next_id_] = std::move(function);
    return next_id_++;
  }

  void remove(int id) {
    std::lock_guard<std::mutex> lock(mutex_);
    functions_.erase(id);
  }

  void call(Args... args) const {
    std::vector<Function> functions;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& [id, function] : functions_) functions.push_back(function);
    }
    for (const auto& function : functions) function(args...);
  }

 private:
  mutable std::mutex mutex_;
  std::map<int, Function> functions_;
  int next_id_ = 1;
};

}  // namespace section
