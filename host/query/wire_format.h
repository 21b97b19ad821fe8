// Protobuf's wire format, written straight into a string: the unfiltered lists hold every
// measure and deliverable of the section, and copying each into a response message to serialize
// it took longer than building the tables. Also the entries each component adds to those lists,
// which a component's share keeps (query/component_share.h).
#pragma once

#include <cstdint>
#include <string>

#include <google/protobuf/message_lite.h>
#include <google/protobuf/repeated_ptr_field.h>

#include "section/v1/model.pb.h"

namespace section::query::wire {

void put_key_and_length(std::string& out, int field, std::size_t length);
void put_string(std::string& out, int field, const std::string& value);  // nothing for ""
void put_message(std::string& out, int field, const google::protobuf::MessageLite& message);
void put_varint(std::string& out, int field, std::uint64_t value);  // nothing for 0

// `message` serialized with its map entries in key order: the same content gives the same bytes
// whenever it is built (a table row's cells are a map, which protobuf writes in hash order, and
// SectionTablesMemo compares bytes).
std::string deterministic_bytes(const google::protobuf::MessageLite& message);

// The `measures` entries of an unfiltered ListMeasuresResponse that `component` adds, in
// list_measures' order: its results' measures, then its compliance indicators.
void append_measure_entries(std::string& out, const section::v1::Component& component);
// The `deliverables` entries of an unfiltered ListDeliverablesResponse for `component`'s deliverables.
void append_deliverable_entries(std::string& out, const std::string& component,
                                const google::protobuf::RepeatedPtrField<section::v1::Deliverable>& deliverables);

}  // namespace section::query::wire
