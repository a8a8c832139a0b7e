namespace Suture.Process.Tests.Unwinding;

/// <summary>
/// The C tracee for the live unwind tests. The main thread blocks in pause() under
/// main -> a -> b -> c -> d; a second thread blocks in read() on a pipe; a third is inside a
/// SIGUSR1 handler (blocked in pause()) that interrupted spin(). With "anon", a fourth thread
/// spins in anonymous executable memory that has no unwind table. It runs as a grandchild of the
/// test host (see <see cref="TracedTarget"/>) and prints "pid N", then "ready" from d().
/// </summary>
internal static class UnwindTarget
{
    public const string Source = """
        #define _GNU_SOURCE
        #include <pthread.h>
        #include <signal.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/mman.h>
        #include <sys/wait.h>
        #include <unistd.h>

        static volatile int stop;
        static volatile int sink;
        static volatile int in_handler;
        static volatile int in_spin;
        static int pipe_fds[2];

        __attribute__((noinline, noclone)) int d(int x)
        {
            write(1, "ready\n", 6);
            while (!stop)
                pause();
            return x + sink;
        }

        __attribute__((noinline, noclone)) int c(int x) { int r = d(x + 1); return r * 3 + sink; }
        __attribute__((noinline, noclone)) int b(int x) { int r = c(x + 2); return r * 5 + sink; }
        __attribute__((noinline, noclone)) int a(int x) { int r = b(x + 3); return r * 7 + sink; }

        __attribute__((noinline, noclone)) int reader_wait(void)
        {
            char ch;
            ssize_t n = read(pipe_fds[0], &ch, 1);
            return (int)n + sink;
        }

        static void *reader_thread(void *arg) { (void)arg; sink = reader_wait(); return NULL; }

        __attribute__((noinline, noclone)) void handler_wait(void)
        {
            while (!stop)
                pause();
        }

        __attribute__((noinline, noclone)) void on_signal(int sig)
        {
            in_handler = 1;
            handler_wait();
            in_handler = sig;
        }

        __attribute__((noinline, noclone)) int spin(void)
        {
            int n = 0;
            in_spin = 1;
            while (!stop) {
                n += sink + 1;
                sink = n;
            }
            return n;
        }

        static void *spinner_thread(void *arg) { (void)arg; sink = spin(); return NULL; }

        static void *wild_thread(void *code) { ((void (*)(void))code)(); return NULL; }

        int main(int argc, char **argv)
        {
            pthread_t reader, spinner, wild;
            struct sigaction sa;
            /* The test host reaps its own children's wait statuses (and with them ptrace stops):
               the traced process is a grandchild; the child only reaps it. */
            pid_t child = fork();
            if (child < 0)
                return 1;
            if (child > 0) {
                int status;
                waitpid(child, &status, 0);
                _exit(0);
            }
            dprintf(1, "pid %d\n", getpid());
            if (pipe(pipe_fds) != 0)
                return 1;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_signal;
            sigaction(SIGUSR1, &sa, NULL);
            pthread_create(&reader, NULL, reader_thread, NULL);
            pthread_create(&spinner, NULL, spinner_thread, NULL);
            while (!in_spin)
                usleep(1000);
            pthread_kill(spinner, SIGUSR1); /* lands in spin(), below the handler's frame */
            while (!in_handler)
                usleep(1000);
            if (argc > 1 && strcmp(argv[1], "anon") == 0) {
                unsigned char *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                code[0] = 0xeb; /* jmp . */
                code[1] = 0xfe;
                pthread_create(&wild, NULL, wild_thread, code);
            }
            sink = a(argc);
            return sink;
        }
        """;
}
