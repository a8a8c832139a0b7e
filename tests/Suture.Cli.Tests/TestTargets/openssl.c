/*
 * Links the system's OpenSSL 3 libcrypto, which imports makecontext/setcontext for its async
 * jobs, and hashes a line each round. Built with -DSTART_JOB it first runs one async job
 * (ASYNC_start_job), which sets up libcrypto's job machinery for good.
 */
#include <openssl/async.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef START_JOB
static int job(void *arg)
{
    (void)arg;
    return 7;
}
#endif

static void digest(const char *text)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(text, strlen(text), out, &length, EVP_sha256(), NULL);
}

void i_m_being_patched(void)
{
    printf("i'm unpatched!\n");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef START_JOB
    ASYNC_JOB *current = NULL;
    ASYNC_WAIT_CTX *wait = ASYNC_WAIT_CTX_new();
    int result = 0;
    if (ASYNC_start_job(&current, wait, &result, job, NULL, 0) != ASYNC_FINISH || result != 7) {
        fprintf(stderr, "ASYNC_start_job failed\n");
        return 1;
    }
#endif
    for (;;) {
        digest("a line");
        i_m_being_patched();
        usleep(20000);
    }
}
