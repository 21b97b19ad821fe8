// Runs posix_spawn on one thread that lives as long as the process. A runner asks the kernel to
// kill it when its parent dies (PR_SET_PDEATHSIG), and for the kernel the parent is the thread
// that spawned it: a runner spawned from a short-lived thread would be killed when that thread
// ends. Spawning from this thread ties every runner to the host process instead.
#pragma once

#include <functional>

namespace section::supervision {

// Runs `spawn` on the spawner thread and waits for it.
void on_spawner_thread(const std::function<void()>& spawn);

}  // namespace section::supervision
