# section_add_plugin(NAME <name> SOURCES <files...> [DATA <files...>])
#
# Builds a section-host plugin: a MODULE library <name>.so in <plugin dir>/<name>/, with its
# data files copied beside it (the SDK looks for component.yaml there). The plugin directory is
# SECTION_PLUGIN_OUTPUT_DIR when set, otherwise <build dir>/plugins. Installs to
# lib/section-host/plugins/<name>/.
# The functions keep the policies of the CMake this SDK is built with, whatever the calling
# project sets (a project without cmake_minimum_required got CMP0003 warnings from them).
cmake_policy(PUSH)
cmake_policy(VERSION 3.20)

function(section_add_plugin)
  cmake_parse_arguments(arg "" "NAME" "SOURCES;DATA" ${ARGN})
  if(NOT arg_NAME OR NOT arg_SOURCES)
    message(FATAL_ERROR "section_add_plugin: NAME and SOURCES are required")
  endif()
  set(target section_plugin_${arg_NAME})
  if(SECTION_PLUGIN_OUTPUT_DIR)
    set(out_dir ${SECTION_PLUGIN_OUTPUT_DIR}/${arg_NAME})
  else()
    set(out_dir ${CMAKE_BINARY_DIR}/plugins/${arg_NAME})
  endif()

  add_library(${target} MODULE ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE section::sdk)
  if(TARGET section_warnings)
    target_link_libraries(${target} PRIVATE section_warnings)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${arg_NAME}
    LIBRARY_OUTPUT_DIRECTORY ${out_dir}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    # Installed in lib/section-host/plugins/<name>/: libsection-proto is three levels up.
    INSTALL_RPATH "$ORIGIN/../../..")
  # Export only the entry points; fail at link time, not at load time, on a missing symbol.
  target_link_options(${target} PRIVATE -Wl,--exclude-libs,ALL -Wl,--no-undefined)

  set(copied)
  set(data_files)
  foreach(file IN LISTS arg_DATA)
    get_filename_component(source ${file} ABSOLUTE)
    get_filename_component(name ${file} NAME)
    add_custom_command(OUTPUT ${out_dir}/${name}
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${source} ${out_dir}/${name}
      DEPENDS ${source}
      COMMENT "plugin ${arg_NAME}: ${name}")
    list(APPEND copied ${out_dir}/${name})
  endforeach()
  # For section_add_plugin_test(): the data files as the plugin finds them, beside the library.
  set_target_properties(${target} PROPERTIES SECTION_PLUGIN_DATA_FILES "${copied}")
  if(copied)
    add_custom_target(${target}_data ALL DEPENDS ${copied})
    add_dependencies(${target} ${target}_data)
  endif()

  install(TARGETS ${target} LIBRARY DESTINATION lib/section-host/plugins/${arg_NAME})
  if(arg_DATA)
    install(FILES ${arg_DATA} DESTINATION lib/section-host/plugins/${arg_NAME})
  endif()
endfunction()

# section_add_plugin_test(NAME <test> PLUGIN <plugin name> SOURCES <files...>)
#
# A Catch2 test of a plugin made by section_add_plugin(), linked with the plugin test kit
# (section/testkit/plugin_test_kit.h) and Catch2's main. It defines SECTION_PLUGIN_UNDER_TEST,
# the path of the plugin library, and SECTION_PLUGIN_DATA, its first data file as the plugin
# finds it. Each TEST_CASE becomes a CTest test named "<test>: <test case>".
function(section_add_plugin_test)
  cmake_parse_arguments(arg "" "NAME;PLUGIN" "SOURCES" ${ARGN})
  if(NOT arg_NAME OR NOT arg_PLUGIN OR NOT arg_SOURCES)
    message(FATAL_ERROR "section_add_plugin_test: NAME, PLUGIN and SOURCES are required")
  endif()
  set(plugin section_plugin_${arg_PLUGIN})
  if(NOT TARGET ${plugin})
    message(FATAL_ERROR "section_add_plugin_test: no plugin '${arg_PLUGIN}'; call section_add_plugin(NAME ${arg_PLUGIN} ...) first")
  endif()
  if(NOT TARGET Catch2::Catch2WithMain)
    find_package(Catch2 REQUIRED)
  endif()
  include(Catch)

  add_executable(${arg_NAME} ${arg_SOURCES})
  target_link_libraries(${arg_NAME} PRIVATE section::testkit Catch2::Catch2WithMain)
  add_dependencies(${arg_NAME} ${plugin})
  get_target_property(data_files ${plugin} SECTION_PLUGIN_DATA_FILES)
  list(GET data_files 0 first_data)
  target_compile_definitions(${arg_NAME} PRIVATE
    SECTION_PLUGIN_UNDER_TEST="$<TARGET_FILE:${plugin}>"
    SECTION_PLUGIN_DATA="${first_data}")
  catch_discover_tests(${arg_NAME} TEST_PREFIX "${arg_NAME}: " EXTRA_ARGS --warn NoTests)
endfunction()

cmake_policy(POP)
