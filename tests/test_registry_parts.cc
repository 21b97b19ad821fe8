// The registry's parts that hold no thread of their own: supervision's policy (what a failure
// does to a slot, when it is restarted, when it stops being restarted) and the work queue.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "host/registry/supervisor.h"
#include "host/registry/work_queue.h"

using namespace section;
using namespace section::registry;
using namespace std::chrono_literals;

namespace {

config::SupervisionConfig supervision() {
  config::SupervisionConfig config;
  config.backoff_initial = 200ms;
  config.backoff_max = 1000ms;
  config.crash_loop_failures = 4;
  config.crash_loop_window = 60s;
  return config;
}

Slot serving_slot() {
  Slot slot;
  slot.config.id = "hr";
  slot.config.isolation = config::Isolation::kProcess;
  slot.status.set_state(v1::SERVING);
  section::v1::Component component;
  component.set_id("hr");
  slot.component = query::StoredComponent::of(component);
  return slot;
}

std::chrono::milliseconds delay_of(const Slot& slot, Clock::time_point now) {
  REQUIRE(slot.restart_at.has_value());
  return std::chrono::duration_cast<std::chrono::milliseconds>(*slot.restart_at - now);
}

}  // namespace

TEST_CASE("a failed plugin with a good component goes stale and is restarted after a backoff that doubles, with jitter",
          "[registry][supervision]") {
  const Supervisor supervisor(supervision());
  Slot slot = serving_slot();
  const auto now = Clock::now();
  const std::string text = supervisor.record_failure(slot, "its process exited", now);
  CHECK(slot.status.state() == v1::STALE);
  CHECK(slot.status.has_stale_since());
  CHECK_THAT(text, Catch::StartsWith("its process exited; restarting in ") && Catch::Contains("(failure 1 of 4 allowed within 60.0 s)"));
  CHECK(slot.status.reason() == text);
  CHECK(delay_of(slot, now) >= 100ms);
  CHECK(delay_of(slot, now) <= 200ms);
  supervisor.record_failure(slot, "again", now);
  CHECK(delay_of(slot, now) >= 200ms);
  CHECK(delay_of(slot, now) <= 400ms);
  supervisor.record_failure(slot, "again", now);
  CHECK(delay_of(slot, now) >= 400ms);
  CHECK(delay_of(slot, now) <= 800ms);
}

TEST_CASE("the backoff stops at its maximum, and a plugin without a good component is FAILED", "[registry][supervision]") {
  config::SupervisionConfig config = supervision();
  config.crash_loop_failures = 100;
  const Supervisor supervisor(config);
  Slot slot = serving_slot();
  slot.component.reset();
  const auto now = Clock::now();
  for (int i = 0; i < 10; ++i) supervisor.record_failure(slot, "down", now);
  CHECK(slot.status.state() == v1::FAILED);
  CHECK(delay_of(slot, now) >= 500ms);
  CHECK(delay_of(slot, now) <= 1000ms);
}

TEST_CASE("a plugin that fails too often within the window crash-loops and is not restarted, and older failures are forgotten",
          "[registry][supervision]") {
  const Supervisor supervisor(supervision());
  Slot slot = serving_slot();
  const auto start = Clock::now();
  for (int i = 0; i < 3; ++i) supervisor.record_failure(slot, "down", start);
  CHECK_FALSE(slot.status.crash_looping());
  // A fourth failure after the window: the first three no longer count.
  supervisor.record_failure(slot, "down", start + 61s);
  CHECK_FALSE(slot.status.crash_looping());
  CHECK(slot.failures.size() == 1);
  for (int i = 0; i < 2; ++i) supervisor.record_failure(slot, "down", start + 62s);
  const std::string text = supervisor.record_failure(slot, "down", start + 63s);
  CHECK(slot.status.crash_looping());
  CHECK_FALSE(slot.restart_at.has_value());
  CHECK_THAT(text, Catch::Contains("crash-looping: 4 failures within 60.0 s") && Catch::Contains("fix the plugin, then reload"));
}

TEST_CASE("a plugin that served a good while before failing backs off as after a first failure", "[registry][supervision]") {
  config::SupervisionConfig config = supervision();
  config.crash_loop_failures = 100;
  const Supervisor supervisor(config);
  Slot slot = serving_slot();
  const auto start = Clock::now();
  for (int i = 0; i < 4; ++i) supervisor.record_failure(slot, "down", start);
  CHECK(slot.consecutive_failures == 4);
  slot.serving_since = start;  // restarted, and served for 11 s
  supervisor.record_failure(slot, "down", start + 11s);
  CHECK(slot.consecutive_failures == 1);
  CHECK(delay_of(slot, start + 11s) <= 200ms);
}

TEST_CASE("the next restart is the earliest one due, and a reload keeps only slots that run well", "[registry][supervision]") {
  Slots slots;
  for (int i = 0; i < 3; ++i) slots.push_back(std::make_unique<Slot>(serving_slot()));
  CHECK_FALSE(Supervisor::next_restart(slots).has_value());
  const auto now = Clock::now();
  slots[1]->restart_at = now + 5s;
  slots[2]->restart_at = now + 2s;
  CHECK(Supervisor::next_restart(slots) == now + 2s);

  Slot slot = serving_slot();
  slot.config.isolation = config::Isolation::kInProcess;
  CHECK(Supervisor::keepable(slot));
  slot.status.set_state(v1::DISABLED);
  CHECK(Supervisor::keepable(slot));
  for (auto state : {v1::FAILED, v1::STALE}) {
    slot.status.set_state(state);
    CHECK_FALSE(Supervisor::keepable(slot));
  }
  // In a process of its own, new code at the library's path is started afresh.
  Slot process = serving_slot();
  process.config.library_path = "/bin/sh";
  process.library_stamp = Supervisor::library_stamp("/bin/sh");
  CHECK(Supervisor::keepable(process));
  process.library_stamp = "an older build";
  CHECK_FALSE(Supervisor::keepable(process));
}

TEST_CASE("the work queue keeps one pending fetch per plugin source, in order with the rest", "[registry][queue]") {
  WorkQueue queue;
  queue.push(ComponentChanged{"hr", 1});
  queue.push(PluginLost{"ict", 2, "exited"});
  queue.push(ComponentChanged{"hr", 1});  // the same: kept once
  queue.push(ComponentChanged{"hr", 3});  // another source of the same plugin
  std::vector<std::string> taken;
  for (int i = 0; i < 3; ++i) {
    WorkQueue::Next next = queue.next(Clock::now());
    REQUIRE(next.work.has_value());
    taken.push_back(std::visit([](const auto& work) {
      using T = std::decay_t<decltype(work)>;
      if constexpr (std::is_same_v<T, ComponentChanged>) return "changed " + work.id + " " + std::to_string(work.generation);
      if constexpr (std::is_same_v<T, PluginLost>) return "lost " + work.id;
      return std::string("other");
    }, *next.work));
  }
  CHECK(taken == std::vector<std::string>{"changed hr 1", "lost ict", "changed hr 3"});
  const WorkQueue::Next idle = queue.next(Clock::now() + 10ms);
  CHECK_FALSE(idle.closed);
  CHECK_FALSE(idle.work.has_value());
}

TEST_CASE("the work queue takes a reload or a task only while its worker runs, and hands back what is left when it closes",
          "[registry][queue]") {
  WorkQueue queue;
  bool ran = false;
  CHECK_FALSE(queue.push_to_worker(Task{[&](bool run) { ran = run; }}));
  queue.set_running();
  CHECK(queue.push_to_worker(Task{[&](bool run) { ran = run; }}));
  queue.push(ComponentChanged{"hr", 1});
  std::deque<Work> left = queue.close();
  REQUIRE(left.size() == 2);
  std::get<Task>(left.front()).run(false);
  CHECK_FALSE(ran);
  CHECK_FALSE(queue.push_to_worker(Task{[](bool) {}}));
  queue.push(ComponentChanged{"hr", 2});  // dropped: nobody would take it
  // A waiting worker wakes when the queue closes.
  WorkQueue waiting;
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    waiting.close();
  });
  CHECK(waiting.next(std::nullopt).closed);
  closer.join();
}
