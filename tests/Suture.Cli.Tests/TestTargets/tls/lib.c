#include <stdio.h>

__thread int lib_tls = 100;
static __thread int lib_hidden_tls = 7;
/* Initial-exec, as libc and other libraries built for speed use it: a TPOFF64 GOT slot. */
__attribute__((tls_model("initial-exec"))) __thread int lib_fast_tls = 50;

void lib_report(void)
{
    lib_tls++;
    lib_hidden_tls++;
    lib_fast_tls++;
    printf("library unpatched\n");
}
