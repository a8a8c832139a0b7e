static const char *describe(void)
{
    return "b-old";
}

__attribute__((noinline)) const char *b_text(void)
{
    return describe();
}
