# systemd-unit.cmake - run by `cmake --install` (install(SCRIPT)): writes
# contrib/systemd/pppssh@.service with ExecStart naming pppssh where this
# install puts it, so that --prefix at install time is honoured too.
# In: UNIT_IN, UNIT_OUT, SBINDIR (absolute, or relative to the prefix).
if(IS_ABSOLUTE "${SBINDIR}")
  set(sbin "${SBINDIR}")
else()
  set(sbin "${CMAKE_INSTALL_PREFIX}/${SBINDIR}")
endif()
file(READ "${UNIT_IN}" text)
string(REPLACE "/usr/sbin/pppssh" "${sbin}/pppssh" text "${text}")
file(WRITE "${UNIT_OUT}" "${text}")
