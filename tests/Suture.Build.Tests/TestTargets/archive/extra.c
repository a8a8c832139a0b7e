#include <stdio.h>
#include "tag.h"

const char *extra_tag = TAG;
static int extra_calls;

void extra_message(void)
{
    extra_calls++;
    printf("extra unpatched\n");
}
