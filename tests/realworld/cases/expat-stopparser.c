/* Trigger for CVE-2024-50602 (expat): XML_StopParser accepts a parser that never started, which
 * leaves it suspended so that XML_ResumeParser then crashes. Prints, every 50 ms, what
 * XML_StopParser returns for a fresh parser: "stop=1 err=0" while vulnerable, "stop=0 err=44"
 * (XML_STATUS_ERROR, XML_ERROR_NOT_STARTED) once fixed. */
#include <expat.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        XML_Parser parser = XML_ParserCreate(NULL);
        int stop = XML_StopParser(parser, XML_TRUE);
        printf("stop=%d err=%d\n", stop, (int)XML_GetErrorCode(parser));
        XML_ParserFree(parser);
        usleep(50000);
    }
}
