/* describe() is static here and in b.c: the same name in two files. */
static const char *describe(void)
{
    return "a-old";
}

__attribute__((noinline)) const char *a_text(void)
{
    return describe();
}
