#include "host/store/libpq.h"

#include <cstdlib>
#include <memory>

#include <boost/dll/shared_library.hpp>

namespace section::store {

absl::StatusOr<Libpq> load_libpq(const std::string& library) {
  auto handle = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code error;
  handle->load(library, boost::dll::load_mode::search_system_folders | boost::dll::load_mode::rtld_local, error);
  if (error) {
    return absl::FailedPreconditionError("PostgreSQL's client library " + library + " cannot be loaded (" + error.message() +
                                         "); install Debian's libpq5");
  }
  Libpq api;
  std::string missing;
#define SECTION_LIBPQ_FIND(name)                                                                                     \
  if (missing.empty()) {                                                                                             \
    if (handle->has(#name)) {                                                                                        \
      api.name = &handle->get<std::remove_pointer_t<decltype(api.name)>>(#name);                                     \
    } else {                                                                                                         \
      missing = #name;                                                                                               \
    }                                                                                                                \
  }
  SECTION_LIBPQ_FUNCTIONS(SECTION_LIBPQ_FIND)
#undef SECTION_LIBPQ_FIND
  if (!missing.empty()) {
    return absl::FailedPreconditionError("PostgreSQL's client library " + library + " has no function " + missing +
                                         " (libpq 14 or later is needed, for pipeline mode)");
  }
  api.library = std::move(handle);
  return api;
}

namespace {

// Loaded on the first call. Never destroyed: a follower thread may still call libpq while
// static objects are destroyed.
const absl::StatusOr<Libpq>& loaded() {
  static const auto* loaded = new absl::StatusOr<Libpq>(load_libpq(kLibpqName));
  return *loaded;
}

}  // namespace

absl::StatusOr<const Libpq*> libpq() {
  if (!loaded().ok()) return loaded().status();
  return &*loaded();
}

const Libpq& pq() {
  // Per call of libpq's, so no status is made: a connection exists only once libpq() succeeded.
  if (!loaded().ok()) std::abort();
  return *loaded();
}

}  // namespace section::store
