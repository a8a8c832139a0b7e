namespace Suture.Format;

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

    /// <summary>
    /// Thread-local, 64-bit: the variable's offset from the thread pointer (initial-exec), T + A,
    /// where T is the offset of the defining object's static TLS block plus the variable's offset in it.
    /// </summary>
    TpOff64 = 6,

    /// <summary>Thread-local, 32-bit signed: T + A as for <see cref="TpOff64"/> (local-exec in the executable).</summary>
    TpOff32 = 7,

    /// <summary>Thread-local, 64-bit: the module ID of the object defining the variable (general- and local-dynamic).</summary>
    DtpMod64 = 8,

    /// <summary>Thread-local, 64-bit: the variable's offset in its object's TLS block, plus A.</summary>
    DtpOff64 = 9,

    /// <summary>Thread-local, 32-bit signed: the variable's offset in its object's TLS block, plus A.</summary>
    DtpOff32 = 10,
}
