# section_add_plugin(NAME <name> SOURCES <files...> [DATA <files...>])
#
# Builds a section-host plugin: a MODULE library <name>.so in <plugin dir>/<name>/, with its
# data files copied beside it (the SDK looks for component.yaml there). The plugin directory is
# SECTION_PLUGIN_OUTPUT_DIR when set, otherwise <build dir>/plugins. Installs to
# lib/section-host/plugins/<name>/.
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
  foreach(file IN LISTS arg_DATA)
    get_filename_component(source ${file} ABSOLUTE)
    get_filename_component(name ${file} NAME)
    add_custom_command(OUTPUT ${out_dir}/${name}
      COMMAND ${CMAKE_COMMAND} -E copy_if_different ${source} ${out_dir}/${name}
      DEPENDS ${source}
      COMMENT "plugin ${arg_NAME}: ${name}")
    list(APPEND copied ${out_dir}/${name})
  endforeach()
  if(copied)
    add_custom_target(${target}_data ALL DEPENDS ${copied})
    add_dependencies(${target} ${target}_data)
  endif()

  install(TARGETS ${target} LIBRARY DESTINATION lib/section-host/plugins/${arg_NAME})
  if(arg_DATA)
    install(FILES ${arg_DATA} DESTINATION lib/section-host/plugins/${arg_NAME})
  endif()
endfunction()
