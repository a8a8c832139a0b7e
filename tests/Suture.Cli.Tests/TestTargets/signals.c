/* Counts real-time signals (which the kernel queues, so none may be lost) while calling
   i_m_being_patched() in a loop; prints the count every 10 ms. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t received;

static void on_signal(int signal)
{
    (void)signal;
    received++;
}

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigaction(SIGRTMIN, &action, NULL);
    for (;;) {
        i_m_being_patched();
        printf("received %d\n", (int)received);
        usleep(10000);
    }
}
