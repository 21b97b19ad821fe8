/* The binary boundary between section-host and a plugin library.
 *
 * Only plain C types cross it (docs/architecture.md, decision 4): the host and a plugin may be built by
 * different teams with different builds of the SDK, so no C++ object, allocator or exception
 * may pass. Messages cross as serialized protobuf (proto/section/v1), copied out through
 * callbacks so that each side frees only what it allocated.
 *
 * A plugin exports four aliases (BOOST_DLL_ALIAS; the SECTION_PLUGIN macro writes them):
 *   section_plugin_abi_version  uint32_t (void)
 *   section_plugin_create       int (const char*, size_t, const section_host_api*, void**,
 *                                    section_plugin_emit_fn, void*)
 *   section_plugin_publish      int (void*, section_plugin_emit_fn, void*,
 *                                    section_plugin_emit_fn, void*)
 *   section_plugin_destroy      void (void*)
 * and, optionally, a fifth:
 *   section_plugin_check        int (void*, const char*, size_t, section_plugin_emit_fn, void*)
 * The host reads the ABI version before it calls anything else and refuses a library whose
 * version differs from its own.
 *
 * section_plugin_check was added after version 1 without a version bump: it is additive and
 * optional. A library built with an older SDK does not export it; the host looks it up, and
 * when it is absent treats the plugin as one without checks of its own to offer, rather than
 * refusing the library. Nothing else changed, so such a library still loads and runs.
 */
#ifndef SECTION_SDK_ABI_H
#define SECTION_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump on any change to the functions, callbacks or structures below. An optional function
 * that the host looks up and does without (section_plugin_check) is no such change. */
#define SECTION_PLUGIN_ABI_VERSION 1u

#define SECTION_PLUGIN_SYMBOL_ABI_VERSION "section_plugin_abi_version"
#define SECTION_PLUGIN_SYMBOL_CREATE "section_plugin_create"
#define SECTION_PLUGIN_SYMBOL_PUBLISH "section_plugin_publish"
#define SECTION_PLUGIN_SYMBOL_DESTROY "section_plugin_destroy"
#define SECTION_PLUGIN_SYMBOL_CHECK "section_plugin_check" /* optional */

/* What create, publish and check return. */
enum section_plugin_status {
  SECTION_PLUGIN_OK = 0,
  SECTION_PLUGIN_FAILED = 1,           /* the plugin's code failed (an exception, a bug)   */
  SECTION_PLUGIN_INVALID_DATA = 2,     /* the component data is wrong: fix the data file    */
  SECTION_PLUGIN_INVALID_SETTINGS = 3, /* the settings in the host configuration are wrong  */
  SECTION_PLUGIN_BAD_REQUEST = 4       /* the host sent something the plugin cannot read    */
};

/* Hands bytes to the other side, which copies them before returning. */
typedef void (*section_plugin_emit_fn)(void* ctx, const char* data, size_t size);

enum section_log_level { SECTION_LOG_DEBUG = 0, SECTION_LOG_INFO = 1, SECTION_LOG_WARNING = 2, SECTION_LOG_ERROR = 3 };

/* Services the host offers a plugin. Valid from create until destroy returns; the callbacks
 * may be called from any thread of the plugin. */
typedef struct section_host_api {
  uint32_t abi_version;
  void* ctx;
  /* A log line; the host tags it with the plugin id. */
  void (*log)(void* ctx, int level, const char* message, size_t size);
  /* The plugin has a new snapshot: the host will call publish again soon, on its own thread. */
  void (*request_republish)(void* ctx);
} section_host_api;

typedef uint32_t (*section_plugin_abi_version_fn)(void);
typedef int (*section_plugin_create_fn)(const char* start_request, size_t size,
                                        const section_host_api* host, void** handle,
                                        section_plugin_emit_fn on_error, void* error_ctx);
typedef int (*section_plugin_publish_fn)(void* handle, section_plugin_emit_fn on_component,
                                         void* component_ctx, section_plugin_emit_fn on_error,
                                         void* error_ctx);
typedef void (*section_plugin_destroy_fn)(void* handle);
/* Runs the plugin's own checks on `component` (a serialized section.v1.Component: one the
 * plugin published, with changes the host wants to accept in it). SECTION_PLUGIN_OK when it
 * passes; SECTION_PLUGIN_INVALID_DATA with the findings, one "field: reason" per line, through
 * on_error when it does not; SECTION_PLUGIN_BAD_REQUEST when the bytes are no Component;
 * SECTION_PLUGIN_FAILED when the checks themselves failed. Changes nothing in the plugin. */
typedef int (*section_plugin_check_fn)(void* handle, const char* component, size_t size,
                                       section_plugin_emit_fn on_error, void* error_ctx);

#ifdef __cplusplus
}
#endif

#endif /* SECTION_SDK_ABI_H */
