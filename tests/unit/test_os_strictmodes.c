/* test_os_strictmodes.c - sshd's StrictModes for trusted files: owner root
 * or the user, not group/world writable, the same for every directory
 * above, a root-owned sticky directory above (/tmp) accepted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strictmodes.h"
#include "tmpdir.h"

static void path_of(char *buf, size_t size, const char *name)
{
    tmpdir_path(buf, size, name);
}

static void safe_file_passes_unsafe_ones_are_named(void **state)
{
    char err[512], dir[256], file[256];
    path_of(dir, sizeof(dir), "etc");
    assert_int_equal(mkdir(dir, 0755), 0);
    path_of(file, sizeof(file), "etc/server.conf");
    tmpdir_write("etc/server.conf", "[Server]\n");
    assert_int_equal(chmod(file, 0644), 0);
    /* tmpdir is under /tmp: world-writable, but root-owned and sticky. */
    assert_int_equal(strictmodes_check(file, getuid(), err, sizeof(err)), 0);

    assert_int_equal(chmod(file, 0664), 0);
    assert_int_equal(strictmodes_check(file, getuid(), err, sizeof(err)), -EPERM);
    assert_non_null(strstr(err, "server.conf: writable by group or others (chmod go-w "));
    assert_int_equal(chmod(file, 0644), 0);

    /* A directory above that others may write: they could swap the file. */
    assert_int_equal(chmod(dir, 0777), 0);
    assert_int_equal(strictmodes_check(file, getuid(), err, sizeof(err)), -EPERM);
    assert_non_null(strstr(err, "/etc: writable by group or others"));
    /* Sticky is not enough for the file's own directory unless root owns
     * it; here root does (the test runs as root), so it passes. */
    assert_int_equal(chmod(dir, 01777), 0);
    assert_int_equal(strictmodes_check(file, getuid(), err, sizeof(err)),
                     getuid() == 0 ? 0 : -EPERM);
    assert_int_equal(chmod(dir, 0755), 0);

    /* The target itself may never be writable by others, sticky or not. */
    assert_int_equal(chmod(dir, 01777), 0);
    assert_int_equal(strictmodes_check(dir, getuid(), err, sizeof(err)), -EPERM);
    assert_int_equal(chmod(dir, 0755), 0);
}

static void owner_must_be_root_or_the_user(void **state)
{
    char err[512], file[256];
    if (getuid() != 0)
        skip(); /* chown needs root */
    tmpdir_write("owned", "x\n");
    path_of(file, sizeof(file), "owned");
    assert_int_equal(chown(file, 65534, 65534), 0);
    assert_int_equal(strictmodes_check(file, 0, err, sizeof(err)), -EPERM);
    assert_non_null(strstr(err, "owned: owned by uid 65534, not by root"));
    assert_int_equal(strictmodes_check(file, 65534, err, sizeof(err)), 0);
}

static void missing_file_is_an_errno(void **state)
{
    char err[512], file[256];
    path_of(file, sizeof(file), "nothing-here");
    assert_int_equal(strictmodes_check(file, getuid(), err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, "nothing-here"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(safe_file_passes_unsafe_ones_are_named),
        cmocka_unit_test(owner_must_be_root_or_the_user),
        cmocka_unit_test(missing_file_is_an_errno),
    };
    return cmocka_run_group_tests(tests, tmpdir_make, tmpdir_remove);
}
