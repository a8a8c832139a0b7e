using System.Buffers.Binary;
using Suture.Process.Memory;

namespace Suture.Process.Unwinding;

/// <summary>
/// A snapshot of one thread's stack, read with one pread from just below rsp (the red zone) to the
/// end of the mapping holding rsp, capped at <see cref="MaxSnapshot"/>. Reads outside it go to the
/// process memory in chunks, which are kept for later reads.
/// </summary>
public sealed class StackMemory
{
    /// <summary>Largest first read: deeper stacks are read on demand.</summary>
    public const int MaxSnapshot = 512 * 1024;

    private const int RedZone = 128;
    private const int ChunkSize = 16 * 1024;
    private const int MaxChunks = 256;

    private readonly ProcessMemory? _memory;
    private readonly List<(ulong Start, byte[] Bytes)> _chunks = [];
    private readonly ulong _start;
    private readonly byte[] _bytes;

    private StackMemory(ProcessMemory? memory, ulong start, byte[] bytes)
    {
        _memory = memory;
        _start = start;
        _bytes = bytes;
    }

    /// <summary>Address of the first byte of the snapshot.</summary>
    public ulong Start => _start;

    /// <summary>Bytes in the snapshot.</summary>
    public int Length => _bytes.Length;

    /// <summary>Reads that missed the snapshot and went to the process.</summary>
    public int FallbackReads { get; private set; }

    /// <summary>Captures the stack of a thread whose stack pointer is <paramref name="rsp"/>.</summary>
    public static StackMemory Capture(ProcessMemory memory, IReadOnlyList<MemoryMapping> mappings, ulong rsp)
    {
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(mappings);
        MemoryMapping? stack = null;
        foreach (MemoryMapping mapping in mappings)
        {
            if (mapping.Contains(rsp))
            {
                stack = mapping;
                break;
            }
        }

        if (stack is null)
        {
            return new StackMemory(memory, rsp, []);
        }

        ulong start = Math.Max(stack.Start, rsp >= RedZone ? rsp - RedZone : 0);
        int length = (int)Math.Min(stack.End - start, MaxSnapshot);
        byte[] bytes = new byte[length];
        return memory.TryRead(start, bytes) ? new StackMemory(memory, start, bytes) : new StackMemory(memory, rsp, []);
    }

    /// <summary>A snapshot of given bytes with no process behind it (tests, core files).</summary>
    public static StackMemory FromBytes(ulong start, byte[] bytes) => new(null, start, bytes ?? throw new ArgumentNullException(nameof(bytes)));

    public bool TryRead(ulong address, Span<byte> destination)
    {
        if (TryCopy(_start, _bytes, address, destination))
        {
            return true;
        }

        foreach ((ulong start, byte[] bytes) in _chunks)
        {
            if (TryCopy(start, bytes, address, destination))
            {
                return true;
            }
        }

        return _memory is not null && ReadFromProcess(address, destination);
    }

    public bool TryReadUInt64(ulong address, out ulong value)
    {
        Span<byte> word = stackalloc byte[8];
        bool ok = TryRead(address, word);
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(word) : 0;
        return ok;
    }

    private static bool TryCopy(ulong start, byte[] bytes, ulong address, Span<byte> destination)
    {
        if (address < start || address - start > (ulong)bytes.Length || (ulong)destination.Length > (ulong)bytes.Length - (address - start))
        {
            return false;
        }

        bytes.AsSpan((int)(address - start), destination.Length).CopyTo(destination);
        return true;
    }

    private bool ReadFromProcess(ulong address, Span<byte> destination)
    {
        FallbackReads++;
        if (destination.Length <= ChunkSize / 2 && _chunks.Count < MaxChunks)
        {
            // Read a page-aligned chunk around the address; keep it if the whole chunk is readable.
            ulong chunkStart = address & ~4095UL;
            byte[] chunk = new byte[ChunkSize];
            if (_memory!.TryRead(chunkStart, chunk))
            {
                _chunks.Add((chunkStart, chunk));
                if (TryCopy(chunkStart, chunk, address, destination))
                {
                    return true;
                }
            }
        }

        return _memory!.TryRead(address, destination);
    }
}
