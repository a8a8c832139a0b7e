namespace Suture.Patching.Format;

/// <summary>Form of a patch fix-up. Numeric values are part of the file format.</summary>
public enum PatchRelocationKind : byte
{
    /// <summary>64-bit absolute: S + A.</summary>
    Abs64 = 1,

    /// <summary>32-bit PC-relative: S + A - P, must fit in a signed 32-bit value.</summary>
    Pc32 = 2,

    /// <summary>32-bit absolute, zero-extended: S + A must fit in an unsigned 32-bit value.</summary>
    Abs32 = 3,

    /// <summary>32-bit absolute, sign-extended: S + A must fit in a signed 32-bit value.</summary>
    Abs32S = 4,

    /// <summary>64-bit PC-relative: S + A - P.</summary>
    Pc64 = 5,
}
