/* The looper under the kernel's "memory-deny-write-execute" policy (prctl PR_SET_MDWE, what
   systemd's MemoryDenyWriteExecute= asks for on kernels that have it): no mapping may become
   writable and executable, and none may gain execute permission later. */
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_GET_MDWE 66
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) != 0) {
        perror("prctl(PR_SET_MDWE)");
        return 1;
    }
    printf("mdwe %d\n", prctl(PR_GET_MDWE, 0, 0, 0, 0));
    for (;;) {
        i_m_being_patched();
        usleep(20000);
    }
}
