using System.Buffers.Binary;
using Suture.Process.Memory;
using Suture.Process.Objects;

namespace Suture.Process.Events;

/// <summary>Where a process that just exec'd is in its start-up.</summary>
public enum StartupState
{
    /// <summary>The dynamic linker is still mapping its libraries: nothing to patch yet.</summary>
    Loading,

    /// <summary>The libraries are loaded (or the program is static): it can be patched.</summary>
    Loaded,

    /// <summary>The process is gone, or not readable.</summary>
    Gone,
}

/// <summary>
/// Tells, without stopping it, whether a process that just exec'd has its libraries loaded. At
/// the exec event the kernel has mapped only the program and its interpreter; ld.so then maps
/// the libraries and marks its <c>struct r_debug</c> (found through <c>DT_DEBUG</c>)
/// <c>RT_CONSISTENT</c>. r_state also reads consistent before ld.so starts adding objects, so
/// a process counts as loaded once the C library is mapped (apply needs its system-call
/// gadgets anyway) and r_debug is set up and consistent. A static program (no AT_BASE) is
/// loaded at exec.
/// </summary>
public static class LoaderProgress
{
    private const ulong AtBase = 7;
    private const int RDebugState = 24;

    public static StartupState Probe(int pid)
    {
        IReadOnlyDictionary<ulong, ulong>? auxv = AuxiliaryVector.TryRead(pid);
        if (auxv is null)
        {
            return StartupState.Gone;
        }

        if (auxv.GetValueOrDefault(AtBase) == 0)
        {
            return StartupState.Loaded;
        }

        IReadOnlyList<MemoryMapping> mappings;
        try
        {
            mappings = MemoryMapReader.Read(pid);
        }
        catch (SutureException)
        {
            return StartupState.Gone;
        }

        if (!mappings.Any(m => m.IsFile && IsCLibrary(Path.GetFileName(m.Path))))
        {
            return StartupState.Loading;
        }

        try
        {
            using ProcessMemory memory = ProcessMemory.Open(pid, writable: false);
            IReadOnlyList<LoadedObject> objects = LoadedObjects.Read(pid, mappings, memory);
            if (DebugRendezvous.Find(pid, memory, objects, out _) is not ulong rendezvous)
            {
                return StartupState.Loading;
            }

            Span<byte> header = stackalloc byte[RDebugState + 4];
            if (!memory.TryRead(rendezvous, header))
            {
                return StartupState.Loading;
            }

            int version = BinaryPrimitives.ReadInt32LittleEndian(header);
            ulong map = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
            int state = BinaryPrimitives.ReadInt32LittleEndian(header[RDebugState..]);
            return version >= 1 && map != 0 && state == 0 ? StartupState.Loaded : StartupState.Loading;
        }
        catch (SutureException)
        {
            return StartupState.Gone;
        }
    }

    private static bool IsCLibrary(string name) =>
        name.StartsWith("libc.so", StringComparison.Ordinal) || (name.StartsWith("libc-", StringComparison.Ordinal) && name.EndsWith(".so", StringComparison.Ordinal));
}
