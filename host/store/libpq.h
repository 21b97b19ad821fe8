// libpq, PostgreSQL's C client, loaded with Boost.DLL when a PostgreSQL store is first used
// rather than linked: linked, it and what it pulls in (LDAP, GnuTLS, Kerberos, ...) cost every
// host about 3 MB of resident memory, most of which keep their reports in SQLite. Its
// declarations still come from libpq-fe.h; only the calls go through this table.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>

#include <absl/status/statusor.h>

namespace section::store {

// Every libpq function the stores call.
#define SECTION_LIBPQ_FUNCTIONS(X)                                                                                        \
  X(PQclear) X(PQconnectdbParams) X(PQconninfoFree) X(PQconninfoParse) X(PQconsumeInput) X(PQenterPipelineMode)         \
  X(PQerrorMessage) X(PQexitPipelineMode) X(PQfinish) X(PQflush) X(PQfreemem) X(PQgetResult) X(PQgetisnull)            \
  X(PQgetlength) X(PQgetvalue) X(PQisBusy) X(PQnotifies) X(PQntuples) X(PQpipelineSync) X(PQresultErrorField)          \
  X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQuery) X(PQsendQueryParams) X(PQsetnonblocking) X(PQsocket)        \
  X(PQstatus) X(PQtransactionStatus)

struct Libpq {
#define SECTION_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  SECTION_LIBPQ_FUNCTIONS(SECTION_LIBPQ_MEMBER)
#undef SECTION_LIBPQ_MEMBER
  std::shared_ptr<const void> library;  // keeps it loaded while the table is held
};

// The name the library is loaded by: Debian's libpq5 (the soname, found where the system's
// dynamic loader looks).
inline constexpr const char* kLibpqName = "libpq.so.5";

// `library` loaded and each function found in it; FAILED_PRECONDITION naming the library, and
// the function that is missing, when not. Loaded again on every call: for tests; the stores
// use libpq().
absl::StatusOr<Libpq> load_libpq(const std::string& library);

// libpq, loaded on the first call and never unloaded (a connection may be closed as late as at
// exit). The same error on every call when it cannot be loaded.
absl::StatusOr<const Libpq*> libpq();

// libpq, for code that runs only once a store is open (libpq() succeeded before it).
const Libpq& pq();

}  // namespace section::store
