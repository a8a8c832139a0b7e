using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Suture.Elf.Dwarf;

namespace Suture.Process.Unwinding;

/// <summary>
/// The call frame information of one object (its .eh_frame), indexed by code address. Addresses
/// are link-time addresses; the caller adds the load bias. The index comes from .eh_frame_hdr's
/// binary search table when there is a usable one, otherwise from a scan of .eh_frame. Malformed
/// bytes never raise: construction records <see cref="ParseError"/>, lookups return an error.
/// </summary>
public sealed partial class EhFrameTable
{
    /// <summary>At most this many FDEs are indexed (libc has about 3,000).</summary>
    public const int MaxFdes = 1 << 20;

    private const int MaxCachedRules = 1 << 16;

    private readonly ReadOnlyMemory<byte> _data;
    // A table is shared by every process that maps the object (ObjectTableLoader caches it by
    // Build ID), and -p all walks stacks on several tracer threads at once: the lazily filled
    // caches are concurrent.
    private readonly ConcurrentDictionary<int, CommonInformationEntry> _cies = new();
    private readonly ConcurrentDictionary<int, FrameDescriptionEntry> _fdes = new();
    private readonly ConcurrentDictionary<(int Fde, ulong Pc), FrameRules> _rules = new();
    private int _cachedRules;
    private ulong[] _starts = [];
    private int[] _offsets = [];

    /// <summary>Indexes <paramref name="ehFrame"/> (loaded at link-time <paramref name="address"/>) by scanning it.</summary>
    public EhFrameTable(ReadOnlyMemory<byte> ehFrame, ulong address)
        : this(ehFrame, address, ReadOnlyMemory<byte>.Empty, 0)
    {
    }

    /// <summary>
    /// Indexes <paramref name="ehFrame"/> with the search table of <paramref name="ehFrameHeader"/>
    /// (.eh_frame_hdr at <paramref name="headerAddress"/>); falls back to a scan when the header is
    /// empty, has no table or does not match.
    /// </summary>
    public EhFrameTable(ReadOnlyMemory<byte> ehFrame, ulong address, ReadOnlyMemory<byte> ehFrameHeader, ulong headerAddress)
    {
        _data = ehFrame;
        Address = address;
        string? headerProblem = null;
        if (!ehFrameHeader.IsEmpty && TryIndexFromHeader(ehFrameHeader.Span, headerAddress, out headerProblem))
        {
            UsesHeaderIndex = true;
            return;
        }

        HeaderProblem = headerProblem;
        IndexByScanning();
    }

    /// <summary>Link-time address of .eh_frame.</summary>
    public ulong Address { get; }

    public int Size => _data.Length;

    /// <summary>Number of FDEs in the index.</summary>
    public int FdeCount => _starts.Length;

    /// <summary>True when the index came from .eh_frame_hdr, false when .eh_frame was scanned.</summary>
    public bool UsesHeaderIndex { get; }

    /// <summary>Why a given .eh_frame_hdr was not used, or null.</summary>
    public string? HeaderProblem { get; }

    /// <summary>
    /// The first problem found while indexing, or null. The FDEs indexed before it stay usable;
    /// lookups that miss mention it.
    /// </summary>
    public string? ParseError { get; private set; }

    /// <summary>Lowest address an FDE covers (0 when empty).</summary>
    public ulong LowPc => _starts.Length == 0 ? 0 : _starts[0];

    /// <summary>
    /// Finds the FDE covering link-time <paramref name="pc"/>. False with <paramref name="error"/>
    /// null when no FDE covers it, with an error when the FDE is malformed.
    /// </summary>
    public bool TryFind(ulong pc, [NotNullWhen(true)] out FrameDescriptionEntry? fde, out string? error)
    {
        fde = null;
        error = null;
        int index = Array.BinarySearch(_starts, pc);
        if (index < 0)
        {
            index = ~index - 1;
        }

        if (index < 0)
        {
            return false;
        }

        // Skip back over duplicate starts to the first, then take the first that covers pc.
        while (index > 0 && _starts[index - 1] == _starts[index])
        {
            index--;
        }

        for (; index < _starts.Length && _starts[index] <= pc; index++)
        {
            if (!TryGetFde(_offsets[index], out FrameDescriptionEntry? candidate, out error))
            {
                return false;
            }

            if (candidate.PcBegin != _starts[index])
            {
                error = $"the search table says the FDE at offset 0x{_offsets[index]:x} starts at 0x{_starts[index]:x}, but it starts at 0x{candidate.PcBegin:x}";
                return false;
            }

            if (candidate.Contains(pc))
            {
                fde = candidate;
                return true;
            }
        }

        return false;
    }

    /// <summary>The FDE covering the highest addresses ends here (0 when empty or malformed).</summary>
    public ulong HighPc()
    {
        ulong high = 0;
        for (int i = _starts.Length - 1; i >= 0 && i >= _starts.Length - 16; i--)
        {
            if (TryGetFde(_offsets[i], out FrameDescriptionEntry? fde, out _) && fde.PcEnd > high)
            {
                high = fde.PcEnd;
            }
        }

        return high;
    }

    internal ReadOnlySpan<byte> Data => _data.Span;

    internal ReadOnlyMemory<byte> Memory => _data;

    /// <summary>
    /// The rules at link-time <paramref name="pc"/> of <paramref name="fde"/>, computed once per pc:
    /// threads blocked in the same places share them.
    /// </summary>
    internal FrameRules GetRules(FrameDescriptionEntry fde, ulong pc)
    {
        if (_rules.TryGetValue((fde.Offset, pc), out FrameRules? rules))
        {
            return rules;
        }

        rules = CfaInterpreter.Run(this, fde, pc);
        if (Volatile.Read(ref _cachedRules) < MaxCachedRules && _rules.TryAdd((fde.Offset, pc), rules))
        {
            Interlocked.Increment(ref _cachedRules);
        }

        return rules;
    }

    internal bool TryGetFde(int offset, [NotNullWhen(true)] out FrameDescriptionEntry? fde, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (_fdes.TryGetValue(offset, out fde))
        {
            return true;
        }

        try
        {
            EhFrameEntry entry = EhFrameEntry.Read(_data.Span, offset);
            if (entry.IsTerminator || entry.IsCie)
            {
                error = $"offset 0x{offset:x} holds a {(entry.IsCie ? "CIE" : "terminator")}, not an FDE";
                return false;
            }

            fde = EhFrameParser.ParseFde(_data.Span, Address, entry, GetCie(entry.CieOffset));
            _fdes[offset] = fde;
            return true;
        }
        catch (Exception e) when (e is DwarfFormatException or ArithmeticException)
        {
            error = e.Message;
            fde = null;
            return false;
        }
    }

    private CommonInformationEntry GetCie(int offset)
    {
        if (_cies.TryGetValue(offset, out CommonInformationEntry? cie))
        {
            return cie;
        }

        EhFrameEntry entry = EhFrameEntry.Read(_data.Span, offset);
        if (!entry.IsCie)
        {
            throw new DwarfFormatException($"offset 0x{offset:x}, named as a CIE, does not hold a CIE");
        }

        cie = EhFrameParser.ParseCie(_data.Span, Address, entry);
        _cies[offset] = cie;
        return cie;
    }
}
