// A plugin library in a child process (isolation: process): section-plugin-runner loads it and
// serves the plugin contract on a Unix domain socket in a directory only this user can enter.
// The host speaks to it through a RemoteSource, forwards its standard error line by line, and
// learns of its exit from a reaper thread, which reports it as `lost` (the registry restarts it).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "host/loading/component_source.h"
#include "host/loading/remote_source.h"

namespace section::supervision {

class ProcessSource final : public loading::ComponentSource {
 public:
  ProcessSource(std::filesystem::path runner, std::filesystem::path library, loading::SourceEvents events,
                std::chrono::milliseconds timeout);
  // Stops the runner (SIGTERM, then SIGKILL) and removes its socket directory.
  ~ProcessSource() override;

  absl::Status start(const section::v1::PluginStartRequest& request) override;
  absl::StatusOr<loading::Handover> fetch() override;
  absl::Status check(const section::v1::Component& component) override;
  std::string where() const override { return library_.string() + " (process)"; }

  pid_t pid() const { return pid_; }

 private:
  absl::Status spawn(const std::string& plugin_id);
  void reap();
  void forward_stderr(int fd);
  // What the runner said before it exited, for the error message; empty while it runs.
  std::string exit_story();

  const std::filesystem::path runner_;
  const std::filesystem::path library_;
  std::shared_ptr<loading::SourceEvents> events_;
  const std::chrono::milliseconds timeout_;
  std::filesystem::path socket_dir_;
  pid_t pid_ = -1;
  std::unique_ptr<loading::RemoteSource> remote_;

  std::mutex mutex_;
  bool exited_ = false;
  bool started_ = false;  // start() succeeded: from then on the reaper reports an exit
  bool library_refused_ = false;  // the runner exited with status 3
  bool closing_ = false;
  std::string exit_reason_;
  std::string last_stderr_line_;
  std::thread reaper_;
  std::thread stderr_reader_;
};

// Removes the socket directories that hosts which are no longer running left in the temporary
// directory (a host killed with SIGKILL cannot remove its own). Only this user's.
void remove_stale_socket_dirs();

// "exited with status 3", "was killed by signal 9 (Killed)".
std::string describe_wait_status(int status);

}  // namespace section::supervision
