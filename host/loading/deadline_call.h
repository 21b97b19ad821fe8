// Runs a plugin hook on a thread other than the caller's (one of a pool, never shared by two
// calls at once) and waits for it at most until a deadline. A hook
// that overruns is abandoned, not killed (a thread cannot be killed safely): the thread keeps
// everything the call uses alive, and whatever it returns, if it ever does, is dropped then.
#pragma once

#include <chrono>
#include <functional>

namespace section::loading {

// True when `call` finished within `timeout`; false when it was abandoned.
bool call_with_deadline(std::function<void()> call, std::chrono::milliseconds timeout);

// How many calls are still running after being abandoned. While any are, the process must not
// run static destructors at exit (the calls may still use them): main() ends with _Exit.
int abandoned_calls();

}  // namespace section::loading
