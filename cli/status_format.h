// The components of `section-ctl status` and of the overview, one line each, their ids in a
// column as wide as the longest id.
#pragma once

#include <string>

#include "section/v1/section_service.pb.h"

namespace section::cli {

using ComponentStatuses = google::protobuf::RepeatedPtrField<section::v1::ComponentStatus>;

// "serving", "disabled", "FAILED", "STALE".
std::string state_word(section::v1::ComponentState state);

// How far the states start: two spaces, the widest id (at least 8 characters), two spaces.
std::size_t state_column(const ComponentStatuses& components);

// `section-ctl status`: each component's id, state, title and isolation, and below it, indented
// to the state column, its restarts, staleness, crash loop and reason.
std::string status_lines(const ComponentStatuses& components);

// The overview: each component's id, state, and title (or, without one, its reason).
std::string overview_lines(const ComponentStatuses& components);

}  // namespace section::cli
