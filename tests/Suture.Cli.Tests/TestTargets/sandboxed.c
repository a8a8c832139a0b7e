/* sandboxed CMD ARGS...: runs CMD inside a Landlock domain that restricts nothing but making
   block devices. Landlock forbids a process in a domain to trace one outside it, whatever its
   uid and capabilities: what suture meets when it runs in a sandbox and the target does not
   (process 1 of a machine whose init sandboxes what it starts). */
#include <linux/landlock.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_MAKE_BLOCK };
    int ruleset = syscall(SYS_landlock_create_ruleset, &attr, sizeof attr.handled_access_fs, 0);
    if (ruleset < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) {
        perror("landlock");
        return 125;
    }
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    return 127;
}
