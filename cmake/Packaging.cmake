# The Debian packages, built by CPack's DEB generator in one command (docs/operations.md,
# "The Debian package"):
#   cmake --build build --target package     (or: cd build && cpack -G DEB)
# gives build/section-host_<version>_amd64.deb and build/section-host-dev_<version>_amd64.deb.
#
# Every install() rule belongs to a component: "runtime" (the default, set in the top-level
# CMakeLists.txt) or "dev" (the SDK). section-host is the runtime component: the programs,
# libsection-proto.so.1, the plugins and their data, the configurations, the documentation and
# the man pages, and the files only a package carries (below, EXCLUDE_FROM_ALL, so
# `cmake --install` leaves them out): /etc/section-host/section-29f.yaml, a conffile, and
# Debian's copyright and changelog. section-host-dev is the dev component: headers, static
# libraries, the CMake package SectionSDK, the .proto files and the template plugin.
#
# The packages install into /usr whatever CMAKE_INSTALL_PREFIX is; the host finds its plugins
# and libsection-proto relative to its executable, so nothing compiled depends on the prefix.

set(SECTION_DEB_PREFIX /usr)
set(SECTION_DEB_PACKAGE section-host)
set(SECTION_DEB_MAINTAINER "section-host maintainers <maintainers@users.noreply.r-seed-0e6cddf9.example>")
set(SECTION_DEB_SYSCONF_DIR /etc/section-host)
set(SECTION_DEB_CONFIG ${SECTION_DEB_SYSCONF_DIR}/section-29f.yaml)
set(deb_dir ${PROJECT_BINARY_DIR}/packaging/deb)

# ---- The installed default configuration (a conffile) --------------------------------------
# configs/section-29f.yaml names its section file relative to itself. The section file is the
# fascicle's text and printed figures, data rather than configuration, so it stays in
# /usr/share/section-host/configs and the copy in /etc names it by its absolute path. Plugins
# need no path: the host finds /usr/lib/section-host/plugins beside /usr/bin/section-host.
# Storage stays off, as in the default; its commented data_dir is /var/lib/section-host, the
# unit's StateDirectory.
set(section_line "section: section-29f.section.yaml     # relative to this file")
file(READ ${PROJECT_SOURCE_DIR}/configs/section-29f.yaml config_text)
string(FIND "${config_text}" "${section_line}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "cmake/Packaging.cmake: configs/section-29f.yaml no longer has the line\n  ${section_line}\n"
                      "which the packaged configuration replaces; update both")
endif()
string(REPLACE "${section_line}"
  "section: ${SECTION_DEB_PREFIX}/share/section-host/configs/section-29f.section.yaml"
  config_text "${config_text}")
string(REPLACE "# The default configuration: all five components."
  "# The default configuration: all five components. This is the copy the Debian package installs\n# as ${SECTION_DEB_CONFIG}, a conffile: your edits survive upgrades."
  config_text "${config_text}")
file(CONFIGURE OUTPUT ${deb_dir}/section-29f.yaml CONTENT "${config_text}" @ONLY)
install(FILES ${deb_dir}/section-29f.yaml DESTINATION ${SECTION_DEB_SYSCONF_DIR}
        COMPONENT runtime EXCLUDE_FROM_ALL)
file(CONFIGURE OUTPUT ${deb_dir}/conffiles CONTENT "${SECTION_DEB_CONFIG}\n")
# The package's unit names the package's paths, whatever prefix this build is configured for
# (packaging/CMakeLists.txt installs the prefix's own for `cmake --install`). The sysusers.d file
# names no prefix path: the package carries the one that is installed.
function(section_deb_unit)
  set(SECTION_SERVICE_EXEC ${SECTION_DEB_PREFIX}/bin/section-host)
  set(SECTION_SERVICE_CONFIG ${SECTION_DEB_CONFIG})
  configure_file(${PROJECT_SOURCE_DIR}/packaging/systemd/section-host.service.in ${deb_dir}/section-host.service @ONLY)
endfunction()
section_deb_unit()
install(FILES ${deb_dir}/section-host.service DESTINATION ${SECTION_SYSTEMD_UNIT_DIR} COMPONENT runtime EXCLUDE_FROM_ALL)
# libsection-proto.so.1 is a public shared library in /usr/lib: ldconfig runs after the package
# is installed or removed (lintian: lacks-ldconfig-trigger is an error).
file(CONFIGURE OUTPUT ${deb_dir}/triggers CONTENT "activate-noawait ldconfig\n")

# ---- Debian's copyright and changelog, in each package's documentation directory ------------
configure_file(${PROJECT_SOURCE_DIR}/packaging/deb/changelog.in ${deb_dir}/changelog @ONLY)
add_custom_command(OUTPUT ${deb_dir}/changelog.gz
  COMMAND gzip -9 -n -c ${deb_dir}/changelog > ${deb_dir}/changelog.gz
  DEPENDS ${deb_dir}/changelog
  COMMENT "Debian changelog")
add_custom_target(section_deb_changelog ALL DEPENDS ${deb_dir}/changelog.gz)
foreach(component runtime dev)
  set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc/${SECTION_DEB_PACKAGE})
  if(component STREQUAL "dev")
    set(doc_dir ${doc_dir}-dev)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/packaging/deb/copyright ${deb_dir}/changelog.gz
          DESTINATION ${doc_dir} COMPONENT ${component} EXCLUDE_FROM_ALL)
endforeach()

# ---- Man pages, from each program's --help ---------------------------------------------------
# help2man turns the --help that CLI11 prints from the option definitions into a man page, so a
# man page can never describe options the program does not have. Without help2man the programs
# still print --help, and the package has no man pages (scripts/install-deps.sh installs it).
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(man_pages)
  foreach(entry
      "section-host|assemble a budget section from component plugins and serve it over gRPC"
      "section-ctl|read and report a budget section served by section-host"
      "section-plugin-runner|run one section-host plugin in a process of its own")
    string(REPLACE "|" ";" entry "${entry}")
    list(GET entry 0 program)
    list(GET entry 1 summary)
    set(page ${PROJECT_BINARY_DIR}/man/${program}.1)
    add_custom_command(OUTPUT ${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND ${HELP2MAN} --no-info --no-discard-stderr --version-string=${PROJECT_VERSION}
              --name=${summary} --output=${page} $<TARGET_FILE:${program}>
      COMMAND gzip -9 -n -f ${page}
      DEPENDS ${program}
      COMMENT "man page of ${program} (help2man)"
      VERBATIM)
    list(APPEND man_pages ${page}.gz)
  endforeach()
  add_custom_target(section_man_pages ALL DEPENDS ${man_pages})
  install(FILES ${man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(STATUS "help2man not found: no man pages (the programs' --help says the same)")
endif()

# ---- CPack ------------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${SECTION_DEB_PACKAGE})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "section-host maintainers")
set(CPACK_PACKAGE_CONTACT "${SECTION_DEB_MAINTAINER}")
# Absolute destinations (/etc/section-host) land in the package's root, not on this machine.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX ${SECTION_DEB_PREFIX})
set(CPACK_PACKAGING_INSTALL_PREFIX ${SECTION_DEB_PREFIX})
set(CPACK_STRIP_FILES ON)  # lintian: unstripped-binary-or-object is an error
set(CPACK_COMPONENTS_ALL runtime dev)
set(CPACK_DEB_COMPONENT_INSTALL ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <package>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${SECTION_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# section-host: Depends computed by dpkg-shlibdeps from the ELF files (libc6, libstdc++6,
# libgrpc++1.51, libprotobuf32, libyaml-cpp0.7, ...), and adduser, which postinst uses where
# systemd-sysusers is missing. libsection-proto.so.1 is the package's own: a shlibs file
# declares it for packages built against it, and the ldconfig trigger above runs ldconfig.
# The maintainer scripts are ours (packaging/deb/postinst, prerm, postrm: the service's user,
# and the unit enabled, started, stopped and purged as debhelper's snippets do); given them,
# CPack writes none of its own, so no script calls ldconfig.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME ${SECTION_DEB_PACKAGE})
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION net)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "adduser")
# libsystemd is loaded at run time, only under systemd (host/app/systemd_notifier.cc), and
# libpq only for storage.postgres (host/store/libpq.h), so dpkg-shlibdeps sees neither.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "libsystemd0, libpq5")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/lib)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY "=")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${deb_dir}/conffiles ${deb_dir}/triggers
  ${PROJECT_SOURCE_DIR}/packaging/deb/postinst ${PROJECT_SOURCE_DIR}/packaging/deb/prerm ${PROJECT_SOURCE_DIR}/packaging/deb/postrm)
# Each description: a synopsis, then lines of at most 79 characters (lintian). The summary
# CPack would put before each (the project's description) is left empty: it is too long for a
# synopsis, and each package has its own.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "budget section assembled from component plugins, served over gRPC
section-host loads budget-section plugins (shared libraries, in process or each
in a process of its own), checks their components against the section's
printed figures and serves the assembled tables over gRPC. This package holds
section-host, the client section-ctl, section-plugin-runner, the five plugins
of Section 29F (Administration, Vienna) with their data, and the default
configuration /etc/section-host/section-29f.yaml.")

# section-host-dev: the SDK. Its static libraries and headers need the -dev packages of what
# they link; its shared library, libsection-proto.so.1, is section-host's, of the same version.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME ${SECTION_DEB_PACKAGE}-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
  "${SECTION_DEB_PACKAGE} (= ${PROJECT_VERSION}), cmake (>= 3.20), g++, libprotobuf-dev, libabsl-dev, libyaml-cpp-dev (>= 0.7), libboost-dev (>= 1.74), libboost-filesystem-dev (>= 1.74), catch2")
set(CPACK_DEBIAN_DEV_DESCRIPTION "SDK for section-host plugins
Headers, static libraries and the CMake package SectionSDK for building
section-host plugins and their tests out of tree (find_package(SectionSDK),
section_add_plugin, section_add_plugin_test), the .proto files of the API for
clients in any language, and the template plugin.")

include(CPack)
