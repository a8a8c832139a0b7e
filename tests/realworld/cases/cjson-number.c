/* Trigger for CVE-2023-26819 (cJSON): parse_number copied a number into a 64-byte buffer and
 * stopped there, so a valid number of more than 63 characters made the whole text invalid.
 * Prints, every 50 ms, whether cJSON_Parse accepts an array with a 66-digit number:
 * "parsed=no" while vulnerable, "parsed=yes" once fixed. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *text = "[ null, 999999999999999999999999999999999999999999999991234567890123456789 ]";
    for (;;) {
        cJSON *parsed = cJSON_Parse(text);
        printf("parsed=%s\n", parsed != NULL ? "yes" : "no");
        cJSON_Delete(parsed);
        usleep(50000);
    }
}
