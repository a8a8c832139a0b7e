/* Fleet bystander: a small process that does not map the patched object. */
#include <unistd.h>

int main(void)
{
    for (;;) {
        pause();
    }
}
