# Install rules and a CPack .deb for evidenced (included from the top CMakeLists.txt with
# `include(Packaging)` after the evidenced target and its install(TARGETS)).
#
#   cmake --install build --prefix /usr          binary, unit, sysusers, tmpfiles, config, man
#   cpack --config build/CPackConfig.cmake       evidenced_<version>_<arch>.deb
#
# What lands where (prefix /usr, as in the .deb):
#   /usr/bin/evidenced                                  (install(TARGETS) in CMakeLists.txt)
#   /lib/systemd/system/evidenced.service               systemd/evidenced.service
#   /usr/lib/sysusers.d/evidenced.conf                  systemd/evidenced.sysusers
#   /usr/lib/tmpfiles.d/evidenced.conf                  systemd/evidenced.tmpfiles
#   /etc/evidenced/evidenced.json                       config/evidenced.json, root set to
#                                                       /var/lib/evidenced (a conffile)
#   /usr/share/man/man8/evidenced.8.gz                  docs/evidenced.8
#   /usr/share/doc/evidenced/DAEMON.md, examples/forwarders/*   docs/
include(GNUInstallDirs)
find_package(PkgConfig QUIET)

set(_ev_src ${PROJECT_SOURCE_DIR})
set(_ev_pkg ${PROJECT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${_ev_pkg})

# Where systemd looks (bookworm: /lib/systemd/system, /usr/lib/sysusers.d, /usr/lib/tmpfiles.d).
set(_ev_unitdir "")
set(_ev_sysusersdir "")
set(_ev_tmpfilesdir "")
if(PKG_CONFIG_FOUND)
  pkg_get_variable(_ev_unitdir systemd systemdsystemunitdir)
  pkg_get_variable(_ev_sysusersdir systemd sysusersdir)
  pkg_get_variable(_ev_tmpfilesdir systemd tmpfilesdir)
endif()
if(NOT _ev_unitdir)
  set(_ev_unitdir /lib/systemd/system)
endif()
if(NOT _ev_sysusersdir)
  set(_ev_sysusersdir /usr/lib/sysusers.d)
endif()
if(NOT _ev_tmpfilesdir)
  set(_ev_tmpfilesdir /usr/lib/tmpfiles.d)
endif()
set(EVIDENCED_SYSTEMD_UNITDIR ${_ev_unitdir} CACHE PATH "systemd system unit directory")
set(EVIDENCED_SYSUSERSDIR ${_ev_sysusersdir} CACHE PATH "sysusers.d directory")
set(EVIDENCED_TMPFILESDIR ${_ev_tmpfilesdir} CACHE PATH "tmpfiles.d directory")

install(FILES ${_ev_src}/systemd/evidenced.service DESTINATION ${EVIDENCED_SYSTEMD_UNITDIR})
install(FILES ${_ev_src}/systemd/evidenced.sysusers DESTINATION ${EVIDENCED_SYSUSERSDIR}
        RENAME evidenced.conf)
install(FILES ${_ev_src}/systemd/evidenced.tmpfiles DESTINATION ${EVIDENCED_TMPFILESDIR}
        RENAME evidenced.conf)

# The shipped config, with the data root the unit's StateDirectory provides: a relative
# "./evidenced-data" would resolve against / under systemd (read-only: ProtectSystem=strict).
set(_ev_config_in ${_ev_src}/config/evidenced.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_ev_config_in})
file(READ ${_ev_config_in} _ev_config)
string(REGEX REPLACE "\"root\"[ \t]*:[ \t]*\"[^\"]*\"" "\"root\": \"/var/lib/evidenced\""
       _ev_config_pkg "${_ev_config}")
if(_ev_config_pkg STREQUAL _ev_config)
  message(WARNING "Packaging: no \"root\" key in config/evidenced.json; the packaged config "
                  "keeps its root")
endif()
file(WRITE ${_ev_pkg}/evidenced.json "${_ev_config_pkg}")
# The unit reads /etc/evidenced/evidenced.json whatever the prefix.
set(EVIDENCED_CONFDIR /etc/evidenced CACHE PATH "where evidenced.json is installed")
install(FILES ${_ev_pkg}/evidenced.json DESTINATION ${EVIDENCED_CONFDIR}
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Man page, gzip'd as Debian ships them (-n: no name/time, reproducible).
find_program(EVIDENCED_GZIP gzip)
if(EVIDENCED_GZIP)
  add_custom_command(OUTPUT ${_ev_pkg}/evidenced.8.gz
    COMMAND ${EVIDENCED_GZIP} -9nc ${_ev_src}/docs/evidenced.8 > ${_ev_pkg}/evidenced.8.gz
    DEPENDS ${_ev_src}/docs/evidenced.8 VERBATIM)
  add_custom_target(evidenced_manpage ALL DEPENDS ${_ev_pkg}/evidenced.8.gz)
  install(FILES ${_ev_pkg}/evidenced.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
else()
  install(FILES ${_ev_src}/docs/evidenced.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
endif()

install(FILES ${_ev_src}/docs/DAEMON.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${_ev_src}/docs/forwarders/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/forwarders)

# Maintainer scripts: create the user and folders, reload systemd; never start the service on
# install (the operator edits the config first) and never delete evidence on purge.
file(WRITE ${_ev_pkg}/conffiles "${EVIDENCED_CONFDIR}/evidenced.json\n")
file(WRITE ${_ev_pkg}/postinst [=[#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
    if command -v systemd-sysusers >/dev/null 2>&1; then
        systemd-sysusers evidenced.conf
    fi
    if command -v systemd-tmpfiles >/dev/null 2>&1; then
        systemd-tmpfiles --create evidenced.conf || true
    fi
    if [ -d /run/systemd/system ]; then
        systemctl --system daemon-reload >/dev/null || true
        if systemctl is-active --quiet evidenced.service; then
            systemctl try-restart evidenced.service || true
        else
            echo "evidenced: edit /etc/evidenced/evidenced.json, then: systemctl enable --now evidenced"
        fi
    fi
fi
exit 0
]=])
file(WRITE ${_ev_pkg}/prerm [=[#!/bin/sh
set -e
if [ "$1" = "remove" ] && [ -d /run/systemd/system ]; then
    systemctl stop evidenced.service >/dev/null 2>&1 || true
fi
exit 0
]=])
file(WRITE ${_ev_pkg}/postrm [=[#!/bin/sh
set -e
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = "purge" ]; then
    # Evidence under /var/lib/evidenced is never deleted by the package.
    if command -v deb-systemd-helper >/dev/null 2>&1; then
        deb-systemd-helper purge evidenced.service >/dev/null || true
    fi
fi
exit 0
]=])
foreach(_s postinst prerm postrm)
  file(CHMOD ${_ev_pkg}/${_s} PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
       GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME evidenced)
set(CPACK_PACKAGE_VENDOR "evidenced")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "evidenced maintainers <evidenced@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "evidence-ingestion daemon for incident response (inbox -> evidence tree + JSON Lines)")
set(CPACK_PACKAGE_DESCRIPTION
    "evidenced watches an upload inbox, claims settled uploads, unpacks them safely into an \
evidence tree, normalizes CloudTrail, VPC flow logs and Linux triage output into ECS JSON \
Lines for SIEM forwarders, and keeps a hash-chained custody ledger.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "rsyslog | filebeat | fluent-bit | vector")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_ev_pkg}/conffiles ${_ev_pkg}/postinst ${_ev_pkg}/prerm ${_ev_pkg}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
