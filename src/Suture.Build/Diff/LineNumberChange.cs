using System.Buffers.Binary;
using Iced.Intel;

namespace Suture.Build.Diff;

/// <summary>
/// Recognises a function whose code differs only in the line numbers it passes to a function
/// that reports a source line (<c>__assert_fail</c>): the fix added or removed lines above it, so
/// <c>__LINE__</c> in its <c>assert</c>s moved, as kpatch recognises the kernel's warning
/// macros. The code must be the same except for immediates loaded into the line argument
/// (<c>%edx</c>) whose old value is a line of a file the fix changes and whose new value is where
/// the diff moves that line.
/// </summary>
internal static class LineNumberChange
{
    /// <summary>Functions that take a source line number (glibc's and GLib's assertion reporters).</summary>
    private static readonly HashSet<string> LineTakers =
    [
        "__assert_fail", "__assert_perror_fail", "__assert", "__assert_rtn",
        "g_assertion_message", "g_assertion_message_expr", "g_assertion_message_cmpnum", "g_assertion_message_cmpstr", "g_assertion_message_error",
    ];

    /// <summary>The (old, new) line numbers that make up the whole difference, with the file and callee; null when anything else differs.</summary>
    public static (string File, string Callee, IReadOnlyList<(long Old, long New)> Lines)? Find(ObjectFunction before, ObjectFunction after, LineMap map)
    {
        ReadOnlySpan<byte> old = before.Code.Span, @new = after.Code.Span;
        if (old.Length != @new.Length || old.SequenceEqual(@new) || !before.RelocationKeys.SequenceEqual(after.RelocationKeys))
        {
            return null;
        }

        string? callee = after.RelocationKeys.Select(Callee).FirstOrDefault(LineTakers.Contains);
        if (callee is null)
        {
            return null;
        }

        List<(long Old, long New)>? pairs = ImmediateChanges(old.ToArray(), @new.ToArray());
        if (pairs is null || pairs.Count == 0)
        {
            return null;
        }

        foreach (string file in map.Files)
        {
            if (pairs.All(p => map.NewLine(file, p.Old) == p.New))
            {
                return (file, callee, pairs);
            }
        }

        return null;
    }

    /// <summary>The relocation key's symbol without its addend (<c>12:R_X86_64_PLT32:__assert_fail-4</c> gives <c>__assert_fail</c>).</summary>
    private static string Callee(string key)
    {
        string target = key.Split(':', 3) is { Length: 3 } parts ? parts[2] : key;
        int sign = target.IndexOfAny(['+', '-'], 1);
        return sign > 0 ? target[..sign] : target;
    }

    /// <summary>The immediates that differ, as (old, new) values; null when any other byte differs or the instructions do not line up.</summary>
    private static List<(long Old, long New)>? ImmediateChanges(byte[] old, byte[] @new)
    {
        var oldDecoder = Decoder.Create(64, new ByteArrayCodeReader(old), 0);
        var newDecoder = Decoder.Create(64, new ByteArrayCodeReader(@new), 0);
        var pairs = new List<(long Old, long New)>();
        while (oldDecoder.IP < (ulong)old.Length)
        {
            oldDecoder.Decode(out Instruction a);
            newDecoder.Decode(out Instruction b);
            if (a.IsInvalid || b.IsInvalid || a.Length != b.Length || a.Code != b.Code || newDecoder.IP != oldDecoder.IP)
            {
                return null;
            }

            int start = (int)a.IP;
            ReadOnlySpan<byte> x = old.AsSpan(start, a.Length), y = @new.AsSpan(start, b.Length);
            if (x.SequenceEqual(y))
            {
                continue;
            }

            ConstantOffsets offsets = oldDecoder.GetConstantOffsets(a);
            if (!LoadsLineArgument(a) || !offsets.HasImmediate || offsets.HasImmediate2 || offsets.ImmediateSize < 2
                || !x[..offsets.ImmediateOffset].SequenceEqual(y[..offsets.ImmediateOffset])
                || !x[(offsets.ImmediateOffset + offsets.ImmediateSize)..].SequenceEqual(y[(offsets.ImmediateOffset + offsets.ImmediateSize)..]))
            {
                return null;
            }

            pairs.Add((Value(x.Slice(offsets.ImmediateOffset, offsets.ImmediateSize)), Value(y.Slice(offsets.ImmediateOffset, offsets.ImmediateSize))));
        }

        return pairs;
    }

    /// <summary>
    /// Whether the instruction puts a constant in the third argument register, where every
    /// reporter of <see cref="LineTakers"/> takes its line (<c>mov $LINE, %edx</c>): an immediate
    /// anywhere else is a real change even when its value happens to equal a moved line.
    /// </summary>
    private static bool LoadsLineArgument(in Instruction instruction) =>
        instruction.Mnemonic == Mnemonic.Mov && instruction.Op0Kind == OpKind.Register
        && instruction.Op0Register is Register.EDX or Register.RDX;

    private static long Value(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        2 => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        _ => BinaryPrimitives.ReadInt64LittleEndian(bytes),
    };
}
