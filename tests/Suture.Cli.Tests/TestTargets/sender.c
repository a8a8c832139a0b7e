/* sender PID COUNT: sends COUNT SIGRTMIN signals to PID, 200 microseconds apart. */
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    pid_t pid = (pid_t)atoi(argv[1]);
    int count = atoi(argv[2]);
    union sigval value = { 0 };
    for (int i = 0; i < count; i++) {
        while (sigqueue(pid, SIGRTMIN, value) != 0)
            usleep(100);
        usleep(200);
    }
    return 0;
}
