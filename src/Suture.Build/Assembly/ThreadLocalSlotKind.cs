namespace Suture.Build.Assembly;

/// <summary>What a thread-local GOT entry the patch carries for its new code holds.</summary>
internal enum ThreadLocalSlotKind
{
    /// <summary>8 bytes: the variable's offset from the thread pointer (initial-exec, <c>x@gottpoff</c>).</summary>
    TpOffset,

    /// <summary>16 bytes: module ID and offset in the module's block, the argument of <c>__tls_get_addr</c> (general-dynamic, <c>x@tlsgd</c>).</summary>
    Variable,

    /// <summary>16 bytes: the patched object's module ID and 0 (local-dynamic, <c>x@tlsld</c>).</summary>
    Module,
}
