/* Signals that arrive before Main.
 *
 * The native binary needs a few milliseconds (more on a busy host) to start the runtime before the
 * first line of Main installs suture's SIGINT/SIGTERM handling. Under the default disposition a
 * signal in that window would kill suture by the signal, which its callers (supervisors, the
 * stress suite) must be able to tell from "interrupted, nothing changed" (exit 130). Nothing is
 * touched before Main, so this constructor, run by the dynamic loader before the runtime starts,
 * only records such a signal; Main asks for it right after installing its own handling and exits
 * 130. The runtime replaces these handlers when Main registers its own; handlers are reset to the
 * default on exec, so child processes never see them. Linked into the NativeAOT binary only
 * (Suture.Cli.csproj). */
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t early_signal;

static void record(int sig)
{
    if (early_signal == 0) {
        early_signal = sig;
    }
}

static void install(int sig)
{
    struct sigaction current;
    if (sigaction(sig, NULL, &current) != 0 || current.sa_handler == SIG_IGN) {
        return; /* an ignored signal stays ignored: the caller asked for that */
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = record;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(sig, &action, NULL);
}

__attribute__((constructor)) static void suture_early_signals_install(void)
{
    install(SIGINT);
    install(SIGTERM);
}

/* The first SIGINT or SIGTERM that arrived before Main took over, or 0. */
int suture_early_signal(void)
{
    return early_signal;
}
