# Installs the SDK as the CMake package SectionSDK: the exported targets section::sdk,
# section::proto and section::testkit (with the host's loading and validation libraries the test
# kit links), SectionAddPlugin.cmake and a version file. An out-of-tree plugin then needs only
#   find_package(SectionSDK REQUIRED)
#   section_add_plugin(NAME ... SOURCES ... DATA ...)
include(CMakePackageConfigHelpers)

install(TARGETS section_sdk section_proto section_testkit section_host_loading section_host_validation
  EXPORT SectionSDKTargets
  LIBRARY DESTINATION lib COMPONENT runtime NAMELINK_COMPONENT dev
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}/section-sdk COMPONENT dev
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT SectionSDKTargets NAMESPACE section:: DESTINATION ${SECTION_CMAKE_INSTALL_DIR} COMPONENT dev)

file(STRINGS ${PROJECT_SOURCE_DIR}/sdk/include/section/sdk/abi.h abi_line
     REGEX "^#define SECTION_PLUGIN_ABI_VERSION [0-9]+u?$")
string(REGEX REPLACE ".* ([0-9]+)u?$" "\\1" SECTION_PLUGIN_ABI_VERSION "${abi_line}")

configure_package_config_file(${PROJECT_SOURCE_DIR}/sdk/cmake/SectionSDKConfig.cmake.in
  ${PROJECT_BINARY_DIR}/SectionSDKConfig.cmake
  INSTALL_DESTINATION ${SECTION_CMAKE_INSTALL_DIR}
  PATH_VARS SECTION_PROTO_INSTALL_DIR)
# The plugin ABI changes only with the major version: a plugin built against 0.x loads in 0.y.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/SectionSDKConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/SectionSDKConfig.cmake
  ${PROJECT_BINARY_DIR}/SectionSDKConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/sdk/cmake/SectionAddPlugin.cmake
  DESTINATION ${SECTION_CMAKE_INSTALL_DIR} COMPONENT dev)

# What a plugin author reads, installed with the SDK (share/doc/section-host): the guide, the
# data format, the API and the design, and the template plugin the guide tells them to copy.
# The documents are also the operator's and a client's, so they are in the runtime package
# (section-host); the template is in section-host-dev.
install(FILES
  ${PROJECT_SOURCE_DIR}/docs/writing-a-plugin.md
  ${PROJECT_SOURCE_DIR}/docs/component-data.md
  ${PROJECT_SOURCE_DIR}/docs/api.md
  ${PROJECT_SOURCE_DIR}/docs/architecture.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/template-plugin DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT dev)
