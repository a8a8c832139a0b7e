namespace Suture.Process.Unwinding;

/// <summary>One register rule: <see cref="Offset"/> for offset rules, <see cref="Register"/> for register rules, <see cref="Expression"/> for expression rules.</summary>
internal readonly record struct RegisterRule(RuleKind Kind, long Offset = 0, int Register = 0, ReadOnlyMemory<byte> Expression = default);
