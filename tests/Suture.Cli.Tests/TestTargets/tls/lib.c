#include <stdio.h>

__thread int lib_tls = 100;
static __thread int lib_hidden_tls = 7;

void lib_report(void)
{
    lib_tls++;
    lib_hidden_tls++;
    printf("library unpatched\n");
}
